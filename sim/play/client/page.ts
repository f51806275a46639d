// The playground page's script (bundled by sim/play/bundle.ts).
import { start } from './app.ts';

void start().catch((e: unknown) => {
  const el = document.getElementById('app');
  if (el !== null) el.insertAdjacentHTML('afterbegin', `<pre class="error">${String(e instanceof Error ? (e.stack ?? e.message) : e).replace(/</g, '&lt;')}</pre>`);
});
