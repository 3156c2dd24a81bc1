#!/bin/sh
# Builds, from Bootstrap Italia's own sources, the two files of it the pages
# load, with only the components they use (see ../vendor/README.md):
#   ../vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js   from bootstrap-italia.mjs
#   ../vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css from bootstrap-italia.scss
# and classi-escluse.txt, the classes of the package's full stylesheet that
# ours lacks (TestClassiDelFoglio keeps them out of the templates). Needs npm
# and the registry; nothing it installs stays in the repository. With these
# versions the output is the same byte for byte on every run.
set -eu
qui=$(cd "$(dirname "$0")" && pwd)
vendor="$qui/../vendor"
js="$vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js"
css="$vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo '{"private": true}' > package.json
npm install --save-exact --no-audit --no-fund --ignore-scripts \
	bootstrap-italia@2.18.3 @popperjs/core@2.11.8 esbuild@0.28.2 sass@1.81.0 >/dev/null

cp "$qui/bootstrap-italia.mjs" voci.mjs
./node_modules/.bin/esbuild voci.mjs --bundle --minify --format=iife --legal-comments=none --log-level=warning \
	--banner:js='/*! Bootstrap Italia 2.18.3 (BSD-3-Clause, see ../LICENSE), only the components named in static/bundle/bootstrap-italia.mjs; a fork of Bootstrap 5.2.3 (MIT, The Bootstrap Authors); includes @popperjs/core 2.11.8 (MIT, Federico Zivolo, see ../../popperjs/LICENSE.md). */' \
	--outfile="$js"
cp node_modules/@popperjs/core/LICENSE.md "$vendor/popperjs/LICENSE.md"

./node_modules/.bin/sass --no-source-map --style=compressed --quiet \
	--load-path=node_modules/bootstrap-italia/src/scss --load-path=node_modules \
	"$qui/bootstrap-italia.scss" "$css"

cat > classi.mjs <<'JS'
import fs from 'fs'
const classi = (f) => new Set([...fs.readFileSync(f, 'utf8').replace(/url\([^)]*\)/g, '')
  .matchAll(/\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)/g)].map((m) => m[1]))
const nostre = classi(process.argv[3])
const escluse = [...classi(process.argv[2])].filter((c) => !nostre.has(c)).sort()
process.stdout.write(escluse.join('\n') + '\n')
JS
node classi.mjs node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css "$css" > "$qui/classi-escluse.txt"

for f in "$js" "$css"; do
	echo "$(basename "$f"): $(wc -c < "$f") bytes, sha256 $(sha256sum "$f" | cut -d' ' -f1)"
done
