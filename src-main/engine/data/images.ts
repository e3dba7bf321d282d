/**
 * A folder of images as a dataset: one subfolder per class, PNG, JPEG, WebP, GIF (first frame)
 * and TIFF files decoded with sharp (its prebuilt binaries come from npm; nothing downloads at
 * install), resized to one size, greyscale or RGB. Files it does not read are listed with the
 * reason, never skipped in silence. Problems name the folder or file and the fix.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { UserError, errorMessage } from '../errors';
import { checkEnoughRows } from './split';
import type { Dataset } from './types';

export interface ImageFolderOptions {
  path: string;
  /** Side of the square the images are resized to, pixels. */
  size?: number;
  channels?: 1 | 3;
  /** Refuse images of different sizes instead of resizing them all (default false). */
  requireSameSize?: boolean;
}

/** The image files read (by extension, any case). */
export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff']);
const READ = 'PNG, JPEG, WebP, GIF or TIFF';
/** Image formats people keep beside their photos that the bundled sharp cannot decode. */
const UNREAD_IMAGES = new Set(['.bmp', '.dib', '.heic', '.heif', '.avif', '.svg', '.ico', '.jp2', '.jxl', '.psd', '.raw', '.cr2', '.nef', '.dng', '.pgm', '.ppm', '.pbm']);
/** Files the operating system leaves in folders; nobody put them there as data. */
const SYSTEM = /^(\.|thumbs\.db$|desktop\.ini$|__macosx$)/i;

export interface ImageFolderScan {
  classes: { name: string; files: string[] }[];
  /** Files in the folder that are not read, each with why. */
  skipped: { file: string; reason: string }[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function skipReason(file: string, dir: boolean, top: boolean): string {
  if (dir) return 'folders inside a class folder, whose files are not read: move them up into the class folder';
  if (top) return 'not in a class subfolder: put each in the subfolder of its class';
  const ext = extname(file).toLowerCase();
  if (UNREAD_IMAGES.has(ext)) return `${ext.slice(1).toUpperCase()}, a format ECOpt cannot decode: convert them to PNG or JPEG`;
  return `not images ECOpt reads (${READ})`;
}

/** Lists the images of each class and the files that will not be read, without decoding any. */
export function scanImageFolder(path: string): ImageFolderScan {
  const list = (dir: string, what: string) => {
    try {
      return readdirSync(dir).filter((e) => !SYSTEM.test(e)).sort();
    } catch (e) {
      throw new UserError(`${dir}: cannot read the ${what} (${errorMessage(e)}); check the path and its permissions`);
    }
  };
  const skipped: ImageFolderScan['skipped'] = [];
  const classNames: string[] = [];
  for (const e of list(path, 'image folder')) {
    if (isDir(join(path, e))) classNames.push(e);
    else skipped.push({ file: e, reason: skipReason(e, false, true) });
  }
  const classes = classNames.map((name) => {
    const files: string[] = [];
    for (const f of list(join(path, name), 'class folder')) {
      const full = join(path, name, f);
      const dir = isDir(full);
      if (!dir && IMAGE_EXTENSIONS.has(extname(f).toLowerCase())) files.push(full);
      else skipped.push({ file: relative(path, full), reason: skipReason(f, dir, false) });
    }
    return { name, files };
  });
  return { classes, skipped };
}

/** One note per reason, naming the first few files. */
export function skippedNotes(skipped: ImageFolderScan['skipped']): string[] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.file]);
  return [...byReason.entries()].map(
    ([reason, files]) => `skipped ${files.length} file(s), ${reason}: ${files.slice(0, 5).join(', ')}${files.length > 5 ? `, and ${files.length - 5} more` : ''}`,
  );
}

/**
 * One image as the model sees it: resized to size × size, greyscale or RGB, 0–255 per channel.
 * Shared by training and `ecopt predict`, so a kept model gets its inputs the same way.
 */
export async function imagePixels(file: string, size: number, channels: number, onSize?: (width: number, height: number) => void): Promise<Buffer> {
  const f = size * size * channels;
  let raw: Buffer;
  try {
    // loaded on the first image, not when the study loop starts: a table or a command needs no sharp
    const { default: sharp } = await import('sharp');
    const img = sharp(file);
    const meta = await img.metadata();
    onSize?.(meta.width ?? 0, meta.height ?? 0);
    let pipeline = img.resize(size, size, { fit: 'fill' }).removeAlpha();
    pipeline = channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    raw = await pipeline.raw().toBuffer();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UndecodableImage(file, errorMessage(e));
  }
  if (raw.length !== f) throw new UndecodableImage(file, `decoded to ${raw.length} bytes, expected ${f}`);
  return raw;
}

/** An image file the decoder cannot read (truncated, empty, another format under an image's name). */
export class UndecodableImage extends UserError {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file}: cannot decode the image (${why}); replace or remove the file`);
  }
}

export async function loadImageFolder(options: ImageFolderOptions): Promise<Dataset & { notes: string[] }> {
  const { path } = options;
  const size = options.size ?? 28;
  const channels = options.channels ?? 1;
  const { classes: found, skipped } = scanImageFolder(path);
  const why = skipped.length ? ` (${skippedNotes(skipped).join('; ')})` : '';
  if (found.length === 0) throw new UserError(`${path}: no subfolders; put the images of each class in a subfolder named after the class${why}`);
  const files = found.map((c) => ({ cls: c.name, files: c.files }));
  const empty = files.filter((c) => c.files.length === 0).map((c) => c.cls);
  if (empty.length === files.length) throw new UserError(`${path}: no ${READ} images in its subfolders; add images or choose another folder${why}`);
  if (empty.length) throw new UserError(`${path}: the class folder(s) ${empty.map((c) => `"${c}"`).join(', ')} hold no ${READ} image; add images or remove the folder${why}`);
  const classes = files.map((c) => c.cls);
  if (classes.length < 2) throw new UserError(`${path}: only one class ("${classes[0]}"); a classifier needs at least two subfolders`);
  checkEnoughRows(path, files.reduce((a, c) => a + c.files.length, 0), files.map((c) => ({ name: c.cls, count: c.files.length })), 'images', 'this folder');

  const all = files.flatMap((c, k) => c.files.map((f) => ({ file: f, label: k })));
  const f = size * size * channels;
  let x = new Float32Array(all.length * f);
  let y = new Int32Array(all.length);
  const sizes = new Set<string>();
  // each size's files, to name the odd ones out (walk 49: "2 sizes" and no word of which file)
  const bySize = new Map<string, string[]>();
  // an image the decoder cannot read is skipped and listed, as other unread files are: all of them
  // at once (walk 48: a truncated PNG stopped the folder, then the next one did)
  const undecodable: ImageFolderScan['skipped'] = [];
  const read: string[] = [];
  let i = 0;
  for (const { file, label } of all) {
    let raw: Buffer;
    try {
      raw = await imagePixels(file, size, channels, (width, height) => {
        sizes.add(`${width}×${height}`);
        const same = bySize.get(`${width}×${height}`);
        if (same) same.push(relative(path, file));
        else bySize.set(`${width}×${height}`, [relative(path, file)]);
        if (options.requireSameSize && sizes.size > 1) {
          throw new UserError(`${file}: ${width}×${height} where earlier images are ${[...sizes][0]}; resize them to one size, or let ECOpt resize them (drop "requireSameSize")`);
        }
      });
    } catch (e) {
      if (!(e instanceof UndecodableImage)) throw e;
      undecodable.push({ file: `${relative(path, file)} (${e.why})`, reason: 'images that could not be decoded, so were left out (replace or remove them)' });
      continue;
    }
    for (let k = 0; k < f; k++) x[i * f + k] = raw[k]!;
    y[i] = label;
    read.push(relative(path, file));
    i++;
  }
  const n = i;
  if (undecodable.length) {
    x = x.slice(0, n * f);
    y = y.slice(0, n);
    const left = classes.map((name, k) => ({ name, count: y.filter((v) => v === k).length }));
    const gone = left.filter((c) => c.count === 0).map((c) => `"${c.name}"`);
    const why = ` (${skippedNotes(undecodable).join('; ')})`;
    if (gone.length) throw new UserError(`${path}: the class folder(s) ${gone.join(', ')} hold no image that can be decoded; replace the files or remove the folder${why}`);
    checkEnoughRows(path, n, left, 'images', 'this folder');
  }
  const notes = [`${n} images in ${classes.length} classes (${classes.map((c) => `"${c}"`).join(', ')}), resized to ${size}×${size} ${channels === 1 ? 'greyscale' : 'RGB'} (stretched to the square, not cropped)`];
  notes.push(...skippedNotes([...skipped, ...undecodable]));
  if (bySize.size > 1) {
    // the most common size, then the others with their files
    const [common, ...others] = [...bySize.entries()].sort((a, b) => b[1].length - a[1].length);
    const named = (files: string[]) => `${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''}`;
    notes.push(
      `the images come in ${bySize.size} sizes: ${common![1].length} at ${common![0]}, ${others
        .slice(0, 3)
        .map(([s, files]) => `${files.length} at ${s} (${named(files)})`)
        .join(', ')}${others.length > 3 ? `, and ${others.length - 3} more sizes` : ''}; all were resized`,
    );
  }
  return {
    name: path.split(/[\\/]/).filter(Boolean).pop()!,
    kind: 'image',
    task: 'classification',
    inputShape: [size, size, channels],
    featureNames: [],
    classes,
    x,
    y,
    n,
    encoding: { kind: 'image', size, channels },
    imageSource: { folder: path, files: read },
    notes,
  };
}
