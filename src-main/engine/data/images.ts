/**
 * A folder of images as a dataset: one subfolder per class, PNG and JPEG files decoded with
 * sharp (its prebuilt binaries come from npm; nothing downloads at install), resized to one
 * size, greyscale or RGB. Problems name the folder or file and the fix.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { UserError, errorMessage } from '../errors';
import type { Dataset } from './types';

export interface ImageFolderOptions {
  path: string;
  /** Side of the square the images are resized to, pixels. */
  size?: number;
  channels?: 1 | 3;
  /** Refuse images of different sizes instead of resizing them all (default false). */
  requireSameSize?: boolean;
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export async function loadImageFolder(options: ImageFolderOptions): Promise<Dataset & { notes: string[] }> {
  const { path } = options;
  const size = options.size ?? 28;
  const channels = options.channels ?? 1;
  let entries: string[];
  try {
    entries = readdirSync(path).filter((e) => statSync(join(path, e)).isDirectory()).sort();
  } catch (e) {
    throw new UserError(`${path}: cannot read the image folder (${errorMessage(e)}); check the path`);
  }
  if (entries.length === 0) throw new UserError(`${path}: no subfolders; put the images of each class in a subfolder named after the class`);
  const files = entries.map((cls) => ({
    cls,
    files: readdirSync(join(path, cls))
      .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(path, cls, f)),
  }));
  const empty = files.filter((c) => c.files.length === 0).map((c) => c.cls);
  if (empty.length === files.length) throw new UserError(`${path}: no PNG or JPEG images in its subfolders; add images or choose another folder`);
  if (empty.length) throw new UserError(`${path}: the class folder(s) ${empty.map((c) => `"${c}"`).join(', ')} hold no PNG or JPEG image; add images or remove the folder`);
  const classes = files.map((c) => c.cls);
  if (classes.length < 2) throw new UserError(`${path}: only one class ("${classes[0]}"); a classifier needs at least two subfolders`);

  const all = files.flatMap((c, k) => c.files.map((f) => ({ file: f, label: k })));
  const n = all.length;
  const f = size * size * channels;
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  const sizes = new Set<string>();
  let i = 0;
  for (const { file, label } of all) {
    let raw: Buffer;
    try {
      const img = sharp(file);
      const meta = await img.metadata();
      sizes.add(`${meta.width}×${meta.height}`);
      if (options.requireSameSize && sizes.size > 1) {
        throw new UserError(`${file}: ${meta.width}×${meta.height} where earlier images are ${[...sizes][0]}; resize them to one size, or let ECOpt resize them (drop "requireSameSize")`);
      }
      let pipeline = img.resize(size, size, { fit: 'fill' }).removeAlpha();
      pipeline = channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
      raw = await pipeline.raw().toBuffer();
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`${file}: cannot decode the image (${errorMessage(e)}); replace or remove the file`);
    }
    if (raw.length !== f) throw new UserError(`${file}: decoded to ${raw.length} bytes, expected ${f}; replace or remove the file`);
    for (let k = 0; k < f; k++) x[i * f + k] = raw[k]!;
    y[i] = label;
    i++;
  }
  const notes = [`${n} images in ${classes.length} classes, resized to ${size}×${size} ${channels === 1 ? 'greyscale' : 'RGB'}`];
  if (sizes.size > 1) notes.push(`the images come in ${sizes.size} sizes (${[...sizes].slice(0, 4).join(', ')}${sizes.size > 4 ? ', …' : ''}); all were resized`);
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
    notes,
  };
}
