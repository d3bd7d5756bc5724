import { describe, expect, it } from 'vitest';
import { formatViews, StatusLine } from '../../stack/status-line.ts';

const MB = 1048576;

describe("npm start's status line", () => {
  it('says what this run wrote: a restart that tops up nothing shows 0 new users, not a rate', () => {
    const line = new StatusLine();
    line.baseline('users', 1000);
    line.report('users', 1000);
    expect(line.render(5_000, { rssBytes: 300 * MB })).toBe('users 1000 (0 new), rss 300 MB');
    expect(line.render(10_000, { rssBytes: 300 * MB })).toBe('users 1000 (0 new), rss 300 MB');
  });

  it('counts the users a first run wrote as new', () => {
    const line = new StatusLine();
    line.baseline('users', 0);
    line.report('users', 1000);
    expect(line.render(5_000, { rssBytes: 0 })).toBe('users 1000 (1000 new), rss 0 MB');
  });

  it('rates are growth between two lines over the time between them, shown once a label was seen before', () => {
    const line = new StatusLine();
    line.report('page views', 78);
    expect(line.render(5_000, { rssBytes: 0 })).toBe('page views 78, rss 0 MB');
    line.report('page views', 178);
    line.report('sessions', 10);
    expect(line.render(10_000, { rssBytes: 0 })).toBe('page views 178 (20/s), sessions 10, rss 0 MB');
    line.report('page views', 181);
    line.report('sessions', 10);
    expect(line.render(12_000, { rssBytes: 0 })).toBe('page views 181 (1.5/s), sessions 10 (0/s), rss 0 MB');
  });

  it("prints the join's figures from the dashboard headline, unknown ones as n/a", () => {
    const line = new StatusLine();
    line.report('page views', 900);
    const headline = { totalViews: 600, viewsProduced: 900, viewsJoined: 600, viewsDropped: 300 };
    expect(line.render(1_000, { headline, rssBytes: 10 * MB })).toBe(
      'page views 900, views produced 900, joined 600 in Pinot, dropped 300 by the join (users with a NULL field), rss 10 MB',
    );
    // The producers' counts are live; the headline is the dashboard's last poll, and the line says how old.
    expect(line.render(16_000, { headline, headlineAt: 7_000, rssBytes: 10 * MB })).toBe(
      'page views 900 (0/s), views produced 900, joined 600 in Pinot, dropped 300 by the join (users with a NULL field) as of 9 s ago, rss 10 MB',
    );
    expect(formatViews({ totalViews: 0, viewsProduced: null, viewsJoined: 0, viewsDropped: null })).toBe(
      'views produced n/a, joined 0 in Pinot, dropped n/a by the join (users with a NULL field)',
    );
  });

  it("falls back to Pinot's count when the headline has no join figures, and to nothing without a headline", () => {
    expect(formatViews({ totalViews: 42 })).toBe('views counted in Pinot 42');
    expect(formatViews({})).toBe('views counted in Pinot 0');
    const line = new StatusLine();
    line.report('clicks', 5);
    expect(line.render(1_000, { headline: undefined, rssBytes: 2 * MB })).toBe('clicks 5, rss 2 MB');
  });
});
