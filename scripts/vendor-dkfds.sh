#!/usr/bin/env bash
# Copy the pinned DKFDS (Det Fælles Designsystem) build from node_modules into static/vendor/dkfds,
# with its licence files. Only what the portal serves is copied: the borger.dk theme, its script,
# the icons and the IBM Plex Sans web fonts the stylesheet refers to.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/dkfds
dst=static/vendor/dkfds
version=$(node -p "require('./$src/package.json').version")
rm -rf "$dst"
mkdir -p "$dst/css" "$dst/js" "$dst/img" "$dst/fonts/IBMPlexSans/complete"
cp "$src/dist/css/dkfds-borgerdk.min.css" "$dst/css/"
cp "$src/dist/js/dkfds.min.js" "$dst/js/"
cp -r "$src/dist/img/svg-icons" "$src/dist/img/all-svg-icons.svg" "$src/dist/img/logo-borgerdk.svg" \
   "$src/dist/img/logo-placeholder.png" "$dst/img/"
for format in woff2 woff; do
  cp -r "$src/dist/fonts/IBMPlexSans/complete/$format" "$dst/fonts/IBMPlexSans/complete/"
done
# Subsets by script (the page fetches only what its text needs; see static/css/portal.css).
mkdir -p "$dst/fonts/IBMPlexSans/split/woff2"
for weight in Regular SemiBold Bold; do
  for subset in Latin1 Latin2; do
    cp "$src/dist/fonts/IBMPlexSans/split/woff2/IBMPlexSans-$weight-$subset.woff2" \
       "$dst/fonts/IBMPlexSans/split/woff2/"
  done
done
cp "$src/dist/LICENSE.md" "$dst/LICENSE.md"
echo "$version" > "$dst/VERSION"
echo "Vendored DKFDS $version into $dst"
