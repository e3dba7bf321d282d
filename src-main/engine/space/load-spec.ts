/** Reads a study file from disk: JSON errors with line and column, schema errors with JSON paths. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { formatSpecIssues, parseStudySpec, type StudySpec } from '../../shared/spec';
import { UserError, errorMessage } from '../errors';
import { resourcesDir } from '../paths';

export function defaultSpecPath(): string {
  return join(resourcesDir(), 'studies', 'digits-mlp.json');
}

function lineCol(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const col = position - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

export function parseSpecText(text: string, file: string): StudySpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = errorMessage(e);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` at ${lineCol(text, Number(pos[1]))}` : '';
    throw new UserError(`${file}: not valid JSON${where} (${msg.replace(/ in JSON at position \d+.*/, '')}); fix the syntax`);
  }
  if (json && typeof json === 'object' && !Array.isArray(json) && !('name' in json)) {
    // A study is named after its file unless it says otherwise.
    json = { name: basename(file, extname(file)), ...json };
  }
  const result = parseStudySpec(json);
  if (!result.ok) {
    throw new UserError(`${file}: the study file has ${result.issues.length} problem(s):\n${formatSpecIssues(result.issues)}`);
  }
  const spec = result.spec;
  if (spec.dataset && 'csv' in spec.dataset) {
    // a CSV path is relative to the study file
    spec.dataset.csv = resolve(dirname(resolve(file)), spec.dataset.csv);
    if (!existsSync(spec.dataset.csv)) throw new UserError(`${file}: dataset.csv: no file ${spec.dataset.csv}; fix the path`);
  }
  if (spec.dataset && 'images' in spec.dataset) {
    spec.dataset.images = resolve(dirname(resolve(file)), spec.dataset.images);
    if (!existsSync(spec.dataset.images)) throw new UserError(`${file}: dataset.images: no folder ${spec.dataset.images}; fix the path`);
  }
  if (spec.command) {
    // a command runs where its study file is, unless told otherwise
    const cwd = resolve(dirname(resolve(file)), spec.command.cwd ?? '.');
    if (!existsSync(cwd)) throw new UserError(`${file}: command.cwd: the folder ${cwd} does not exist; fix the path`);
    spec.command.cwd = cwd;
  }
  return spec;
}

export function loadSpecFile(file: string): StudySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file; check the path`);
    throw new UserError(`${file}: cannot read it (${errorMessage(e)})`);
  }
  return parseSpecText(text, file);
}
