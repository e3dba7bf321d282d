#!/bin/bash
# Builds .devchk/ in the checkout's root: what the device check carries to a GPU machine that has
# no Node and no network. The CLI's own bundle (bin/bundle.cjs), the packages it loads at run
# time, this Node binary (xz, decompressed there by Python), and the study beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
grep -qx '/.devchk/' .git/info/exclude || echo '/.devchk/' >> .git/info/exclude
rm -rf .devchk && mkdir -p .devchk/cli .devchk/node_modules/@koromix .devchk/study
bundle=$(node -e "require('./bin/bundle.cjs').cliBundle(process.cwd()).then((f) => console.log(require('path').dirname(f)))")
cp "$bundle/main.cjs" "$bundle/meter-thread-worker.cjs" .devchk/cli/
for p in better-sqlite3 bindings file-uri-to-path commander fflate koffi papaparse ws zod; do cp -a "node_modules/$p" .devchk/node_modules/; done
cp -a node_modules/@koromix/koffi-linux-x64 .devchk/node_modules/@koromix/
rm -rf .devchk/node_modules/@koromix/koffi-linux-x64/musl_x64 .devchk/node_modules/better-sqlite3/{src,deps} .devchk/node_modules/better-sqlite3/build/{deps,Release/obj*,Release/.deps,Release/sqlite3.a}
cat > .devchk/ecopt.cjs <<'JS'
const { main } = require('./cli/main.cjs');
main(process.argv.slice(2)).then((c) => { process.exitCode = c; });
JS
xz -T2 -6 -c "$(command -v node)" > .devchk/node.xz
cp test/device/gpu_train.py test/device/study.json .devchk/study/
cp test/device/run.sh .devchk/
du -sh .devchk
