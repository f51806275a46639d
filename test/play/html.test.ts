import { describe, expect, it } from 'vitest';
import { jsonScript, renderPlayground, scriptSafe } from '../../sim/play/html.ts';

describe('the playground page shell', () => {
  it('keeps inline scripts from being ended by their content', () => {
    expect(scriptSafe('x = "</script><b>"; y = /<\\/SCRIPT/;')).toBe('x = "<\\/script><b>"; y = /<\\/SCRIPT/;');
    expect(() => scriptSafe('a = "<!--"')).toThrow(/<!--/);
    expect(jsonScript({ t: '</script><!-- x' })).toBe('{"t":"\\u003c/script>\\u003c!-- x"}');
    expect(JSON.parse(jsonScript({ t: '</script>' }))).toEqual({ t: '</script>' });
  });

  it('holds the scenarios, the worker as inert text and the page script, and references nothing outside itself', () => {
    const html = renderPlayground({ scenarios: [{ name: 'a', file: 'scenarios/a.yaml', text: 'name: a\n# </script>\n' }], pageScript: 'console.log(1)', workerScript: 'onmessage = () => 0', version: '9.9.9' });
    expect(html).toContain('<script type="application/json" id="repsim-scenarios">[{"name":"a","file":"scenarios/a.yaml","text":"name: a\\n# \\u003c/script>\\n"}]</script>');
    expect(html).toContain('<script type="text/plain" id="repsim-worker">onmessage = () => 0</script>');
    expect(html).toContain('<script>console.log(1)</script>');
    expect(html).toContain('data-version="9.9.9"');
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });
});
