/**
 * The folder READMEs name only files and folders that exist. A README's code spans (`like/this.ts`) that
 * look like a path (a file with an extension, or a folder ending in `/`) must exist relative to the
 * README's folder or to the repository root, so a renamed or deleted file shows here instead of misleading
 * a newcomer. Fenced blocks (commands, code) and spans with placeholders (`<name>`, `*`, `…`) are not paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as repoRoot } from './helpers.ts';

/** The READMEs kept true by this test: one per folder, each describing its folder's files. */
const FOLDER_READMES = [
  'bench',
  'config',
  'dashboard',
  'embedded/kafka',
  'ksql',
  'pinot',
  'producers',
  'reference',
  'scenarios',
  'scenarios/clickstream',
  'scenarios/course-activity',
  'scenarios/stay-categories',
  'stack',
  'test',
];

const PATH_LIKE = /^[\w.@-]+(\/[\w.@-]+)*(\.(ts|mjs|js|cjs|json|sql|md|html|css|xml|properties|yml|yaml|sh|java)|\/)$/;

/** The code spans of a markdown text outside fenced blocks. */
function codeSpans(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

/** The spans that name a file or folder of the repository, by their shape. */
function pathSpans(markdown: string): string[] {
  return codeSpans(markdown).filter((span) => PATH_LIKE.test(span) && !span.startsWith('.'));
}

function exists(folder: string, named: string): boolean {
  return [path.join(repoRoot, folder, named), path.join(repoRoot, named)].some((candidate) => {
    if (!fs.existsSync(candidate)) return false;
    return named.endsWith('/') ? fs.statSync(candidate).isDirectory() : fs.statSync(candidate).isFile();
  });
}

describe('folder READMEs', () => {
  it('tell a path span from other code spans', () => {
    const text = '`index.ts`, `api/`, `npm run kafka`, `<data dir>/stack.sock`, `ksql/*.sql`, `.reference/`, `acks=all`\n```\nnot/here.ts\n```';
    expect(pathSpans(text)).toEqual(['index.ts', 'api/']);
  });

  it.each(FOLDER_READMES)('%s/README.md names only files and folders that exist', (folder) => {
    const readme = path.join(repoRoot, folder, 'README.md');
    expect(fs.existsSync(readme), `${folder}/README.md is missing`).toBe(true);
    const named = pathSpans(fs.readFileSync(readme, 'utf8'));
    expect(named.length, `${folder}/README.md names no file`).toBeGreaterThan(0);
    expect(
      named.filter((name) => !exists(folder, name)),
      `named in ${folder}/README.md but not in ${folder}/ nor at the root`,
    ).toEqual([]);
  });
});
