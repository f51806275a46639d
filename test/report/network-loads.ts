// Finds network resource loads in an HTML page (for the self-containment tests).

/**
 * Places where a page would load something over the network: src/href/
 * srcset/poster/data/action attributes, CSS url() and @import, with an
 * http(s) or protocol-relative address. Namespace declarations (xmlns) and
 * plain text are fine.
 */
export function networkLoads(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\s(?:src|href|xlink:href|srcset|poster|data|action|formaction|background|manifest)\s*=\s*["']?\s*(?:https?:)?\/\//gi,
    /url\(\s*["']?\s*(?:https?:)?\/\//gi,
    /@import/gi,
    /<script\b/gi,
    /<link\b[^>]*rel=["']?(?:stylesheet|preload|prefetch|icon|preconnect|dns-prefetch)/gi,
    /<(?:iframe|embed|object|img|video|audio|source)\b[^>]*\s(?:src|data)=["']?(?:https?:)?\/\//gi,
  ];
  for (const p of patterns) for (const m of html.matchAll(p)) found.push(m[0]);
  return found;
}
