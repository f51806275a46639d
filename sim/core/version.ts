// repsim's version, part of every replay key. Bump it when a change alters results.
export const REPSIM_VERSION = '0.1.0';
