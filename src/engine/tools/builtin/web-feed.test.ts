import { describe, expect, it } from 'vitest';
import { advertisedFeeds, maxSummaryLength, newestFirst, NotAFeedError, parseFeed } from './web-feed.js';
import { parseXml, textOf } from './web-xml-reader.js';

describe('parseXml', () => {
  it('reads elements, attributes, CDATA and character references', () => {
    const root = parseXml(`<?xml version="1.0"?>\n<!-- note --><a x="1 &amp; 2" y='q'><b>caf&#233; &#x2014; &lt;ok&gt;</b><c/><![CDATA[<raw> &amp;]]></a>`);

    expect(root?.name).toBe('a');
    expect(root?.attributes).toEqual({ x: '1 & 2', y: 'q' });
    expect(textOf(root!)).toBe('café — <ok><raw> &amp;');
  });

  it('does not expand entities declared in a DOCTYPE (no entity-expansion bombs)', () => {
    const root = parseXml('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>');

    expect(textOf(root!)).toBe('&b;');
  });

  it('tolerates unclosed and stray tags and a bare "<"', () => {
    const root = parseXml('<r><p>one<q>two</p> 1 < 2 </x><s>three');

    expect(root?.children.map((node) => (typeof node === 'string' ? node : node.name))).toEqual(['p', ' 1 ', '<', ' 2 ', 's']);
    expect(textOf(root!)).toBe('onetwo 1 < 2 three');
    expect(parseXml('just text')).toBeNull();
  });
});

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Tea &amp; News</title>
  <atom:link href="https://example.com/feed.xml" rel="self" type="application/rss+xml"/>
  <link>https://example.com/</link>
  <description><![CDATA[All about <b>tea</b>]]></description>
  <item>
    <title>Older post</title>
    <link>/posts/1</link>
    <pubDate>Mon, 02 Jan 2023 15:04:05 GMT</pubDate>
    <description>&lt;p&gt;First &amp;amp; oldest&lt;/p&gt;</description>
  </item>
  <item>
    <title><![CDATA[Newest <em>post</em>]]></title>
    <guid isPermaLink="true">https://example.com/posts/3</guid>
    <dc:date>2024-03-01T10:00:00+01:00</dc:date>
    <content:encoded><![CDATA[<p>Full <script>x()</script>text</p>]]></content:encoded>
  </item>
  <item>
    <title>Middle post</title>
    <link>https://example.com/posts/2</link>
    <pubDate>Tue, 05 Sep 2023 08:00:00 -0400</pubDate>
    <description>${'long '.repeat(200)}</description>
  </item>
  <item><title>Undated</title><guid isPermaLink="false">tag:1</guid></item>
</channel>
</rss>`;

describe('parseFeed (RSS)', () => {
  it('reads the channel and its items, with absolute links, ISO dates and plain-text summaries', () => {
    const feed = parseFeed(rss, 'https://example.com/feed.xml');

    expect(feed).toMatchObject({ format: 'rss', title: 'Tea & News', link: 'https://example.com/', description: 'All about tea' });
    expect(feed.items[0]).toEqual({
      title: 'Older post',
      link: 'https://example.com/posts/1',
      published: '2023-01-02T15:04:05.000Z',
      summary: 'First & oldest',
    });
    expect(feed.items[1]).toEqual({ title: 'Newest post', link: 'https://example.com/posts/3', published: '2024-03-01T09:00:00.000Z', summary: 'Full text' });
    expect(feed.items[2]?.published).toBe('2023-09-05T12:00:00.000Z');
    expect(feed.items[2]?.summary).toHaveLength(maxSummaryLength);
    expect(feed.items[2]?.summary.endsWith('…')).toBe(true);
    expect(feed.items[3]).toEqual({ title: 'Undated', link: null, published: null, summary: '' });
  });

  it('orders items newest first and keeps undated ones last, in feed order', () => {
    const items = newestFirst(parseFeed(rss, 'https://example.com/feed.xml').items);

    expect(items.map((item) => item.title)).toEqual(['Newest post', 'Middle post', 'Older post', 'Undated']);
  });

  it('reads RSS 1.0 (RDF), whose items sit beside the channel', () => {
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel><title>RDF feed</title><link>https://rdf.example/</link></channel>
      <item><title>One</title><link>https://rdf.example/1</link><dc:date>2020-05-01T00:00:00Z</dc:date></item>
    </rdf:RDF>`;

    const feed = parseFeed(rdf, 'https://rdf.example/index.rdf');

    expect(feed.title).toBe('RDF feed');
    expect(feed.items).toEqual([{ title: 'One', link: 'https://rdf.example/1', published: '2020-05-01T00:00:00.000Z', summary: '' }]);
  });
});

describe('parseFeed (Atom)', () => {
  it('reads entries with alternate links, xml:base, and text, html and xhtml content', () => {
    const atom = `<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/">
      <title type="text">Dev &lt;notes&gt;</title>
      <subtitle>Short posts</subtitle>
      <link rel="self" href="/atom.xml"/>
      <link href="/"/>
      <entry>
        <title type="html">&lt;b&gt;Bold&lt;/b&gt; move</title>
        <link rel="edit" href="/edit/1"/>
        <link rel="alternate" type="text/html" href="posts/1"/>
        <updated>2024-01-02T03:04:05Z</updated>
        <summary type="html">&lt;p&gt;Hello&lt;/p&gt;</summary>
      </entry>
      <entry xml:base="https://other.example/base/">
        <title>Second</title>
        <link href="two"/>
        <published>2024-02-01T00:00:00Z</published>
        <updated>2024-02-05T00:00:00Z</updated>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para one</p><p>Para two</p></div></content>
      </entry>
    </feed>`;

    const feed = parseFeed(atom, 'https://blog.example/atom.xml');

    expect(feed).toMatchObject({ format: 'atom', title: 'Dev <notes>', description: 'Short posts', link: 'https://blog.example/' });
    expect(feed.items).toEqual([
      { title: 'Bold move', link: 'https://blog.example/posts/1', published: '2024-01-02T03:04:05.000Z', summary: 'Hello' },
      { title: 'Second', link: 'https://other.example/base/two', published: '2024-02-01T00:00:00.000Z', summary: 'Para one Para two' },
    ]);
  });

  it('reads a feed written with an atom: prefix', () => {
    const atom = '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>P</atom:title><atom:entry><atom:title>E</atom:title><atom:link href="https://p.example/e"/></atom:entry></atom:feed>';

    const feed = parseFeed(atom, 'https://p.example/feed');

    expect(feed.title).toBe('P');
    expect(feed.items).toEqual([{ title: 'E', link: 'https://p.example/e', published: null, summary: '' }]);
  });
});

describe('not a feed', () => {
  it('names the root element, or says there is none', () => {
    expect(() => parseFeed('<html><body>Hi</body></html>', 'https://e.com/')).toThrow(new NotAFeedError('html'));
    expect(() => parseFeed('{"items": []}', 'https://e.com/')).toThrow(new NotAFeedError(null));
  });

  it('finds the feeds an HTML page advertises', () => {
    const html = `<head>
      <link rel="stylesheet" href="/site.css">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
      <link type='application/atom+xml' rel='alternate' href='https://cdn.example/atom.xml'>
      <link rel="alternate" hreflang="de" href="/de/">
    </head>`;

    expect(advertisedFeeds(html, 'https://e.com/blog/')).toEqual(['https://e.com/feed.xml', 'https://cdn.example/atom.xml']);
  });
});
