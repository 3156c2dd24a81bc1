#!/bin/sh
# Builds, from Bootstrap Italia's own sources, the three files of it the pages
# load, with only the components they use (see ../vendor/README.md):
#   ../vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js   from bootstrap-italia.mjs
#   ../vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css from bootstrap-italia.scss,
#       less the rules whose selectors name a class no template, no script
#       and no Go file of ours writes (purga.mjs, classi-composte.txt)
#   ../vendor/bootstrap-italia/svg/sprites.abilita.svg                  the icons the templates draw (icone.mjs)
# and classi-escluse.txt, the classes of the package's full stylesheet that
# ours cannot style (TestClassiDelFoglio keeps them out of the templates).
# Run it again after a template starts using a class of Bootstrap Italia's
# that it did not use before, or draws an icon none drew before. Needs npm
# and the registry; nothing it installs stays in the repository. With these
# versions the output is the same byte for byte on every run.
set -eu
qui=$(cd "$(dirname "$0")" && pwd)
vendor="$qui/../vendor"
js="$vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js"
css="$vendor/bootstrap-italia/css/bootstrap-italia.abilita.min.css"
svg="$vendor/bootstrap-italia/svg/sprites.abilita.svg"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo '{"private": true}' > package.json
npm install --save-exact --no-audit --no-fund --ignore-scripts \
	bootstrap-italia@2.18.3 @popperjs/core@2.11.8 esbuild@0.28.2 sass@1.81.0 purgecss@8.0.0 postcss@8.5.34 postcss-selector-parser@7.2.1 >/dev/null

cp "$qui/bootstrap-italia.mjs" voci.mjs
./node_modules/.bin/esbuild voci.mjs --bundle --minify --format=iife --legal-comments=none --log-level=warning \
	--banner:js='/*! Bootstrap Italia 2.18.3 (BSD-3-Clause, see ../LICENSE), only the components named in static/bundle/bootstrap-italia.mjs; a fork of Bootstrap 5.2.3 (MIT, The Bootstrap Authors); includes @popperjs/core 2.11.8 (MIT, Federico Zivolo, see ../../popperjs/LICENSE.md). */' \
	--outfile="$js"
cp node_modules/@popperjs/core/LICENSE.md "$vendor/popperjs/LICENSE.md"

./node_modules/.bin/sass --no-source-map --style=compressed --quiet \
	--load-path=node_modules/bootstrap-italia/src/scss --load-path=node_modules \
	"$qui/bootstrap-italia.scss" "$tmp/compilato.css"
cp "$qui/purga.mjs" purga.mjs
node purga.mjs "$tmp/compilato.css" node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css \
	"$qui/../.." "$qui/classi-composte.txt" "$css" "$qui/classi-escluse.txt" "$qui/elementi-esclusi.txt"

node "$qui/icone.mjs" node_modules/bootstrap-italia/dist/svg/sprites.svg "$qui/../.." > "$svg"

for f in "$js" "$css" "$svg"; do
	echo "$(basename "$f"): $(wc -c < "$f") bytes, sha256 $(sha256sum "$f" | cut -d' ' -f1)"
done
