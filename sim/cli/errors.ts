// The CLI's error classes and exit codes live in sim/core/errors.ts (the library
// throws them too); re-exported here for the command files.
export { CheckFailure, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, InputError } from '../core/errors.ts';
