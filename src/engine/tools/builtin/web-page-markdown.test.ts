import { describe, expect, it } from 'vitest';
import { htmlToReadableMarkdown } from './web-page-markdown.js';

const page = (body: string, head = '<title>A  page\n title</title>') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;

describe('htmlToReadableMarkdown', () => {
  it('keeps the article, drops page chrome, and returns the title', () => {
    const html = page(`
      <nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
      <header><p>Site banner</p></header>
      <article><h1>Tea</h1><p>Green tea is <strong>steamed</strong> or pan-fired.</p>
        <form><input name="q"><button>Search</button></form>
        <aside>Related posts</aside></article>
      <footer>© Example</footer>
      <script>document.write('tracking')</script><style>p { color: red }</style>`);

    const result = htmlToReadableMarkdown(html, 'https://example.com/post');

    expect(result).toEqual({ title: 'A page title', source: 'article', markdown: '# Tea\n\nGreen tea is **steamed** or pan-fired.' });
  });

  it('joins several articles but keeps a nested one only inside its parent', () => {
    const html = page('<article><p>First</p><article><p>Reply</p></article></article><article><p>Second</p></article>');

    const { markdown } = htmlToReadableMarkdown(html, 'https://example.com/');

    expect(markdown).toBe('First\n\nReply\n\n---\n\nSecond');
  });

  it('falls back to <main>, then to the whole body', () => {
    expect(htmlToReadableMarkdown(page('<div>Menu</div><main><p>Main text</p></main>'), 'https://e.com/')).toMatchObject({
      source: 'main',
      markdown: 'Main text',
    });
    expect(htmlToReadableMarkdown(page('<div><p>Only</p><p>body</p></div>', ''), 'https://e.com/')).toEqual({
      title: null,
      source: 'body',
      markdown: 'Only\n\nbody',
    });
  });

  it('makes links and images absolute and drops script links, anchors and decorative images', () => {
    const html = page(
      '<p><a href="../about?x=1">About</a> <a href="#top">Top</a> <a href="javascript:alert(1)">Run</a> ' +
        '<a href="mailto:ana@example.com">Mail</a> <img src="/logo.png" alt="Logo"> <img src="/spacer.gif" alt=""></p>',
    );

    const { markdown } = htmlToReadableMarkdown(html, 'https://example.com/docs/page.html');

    expect(markdown).toBe('[About](https://example.com/about?x=1) Top Run [Mail](mailto:ana@example.com) ![Logo](https://example.com/logo.png)');
  });

  it('drops hidden elements and renders tables as rows of cells', () => {
    const html = page(
      '<p hidden>secret</p><div aria-hidden="true">icon</div>' +
        '<table><thead><tr><th>Name</th><th>Cups</th></tr></thead><tbody><tr><td>Ana</td><td>3</td></tr><tr><td>Bo</td><td>1</td></tr></tbody></table>',
    );

    const { markdown } = htmlToReadableMarkdown(html, 'https://example.com/');

    expect(markdown).toBe('| Name | Cups |\n| --- | --- |\n| Ana | 3 |\n| Bo | 1 |');
  });

  it('keeps markdown-like characters as written and decodes entities', () => {
    const { markdown } = htmlToReadableMarkdown(page('<p>file_name *stars* &amp; &lt;tags&gt; caf&eacute;</p>'), 'https://e.com/');

    expect(markdown).toBe('file_name *stars* & <tags> café');
  });

  it('survives broken markup', () => {
    const { markdown } = htmlToReadableMarkdown('<div><p>Unclosed <b>bold<p>next</div></span>', 'https://e.com/');

    expect(markdown).toBe('Unclosed **bold**\n\n**next**');
  });
});
