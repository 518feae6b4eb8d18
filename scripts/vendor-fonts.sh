#!/usr/bin/env bash
# Refresh static/fonts from the npm package named in package.json.
# The fonts are committed, so neither setting up nor running the app needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-save --no-audit --no-fund
src=node_modules/@expo-google-fonts/noto-serif
cp "$src/400Regular/NotoSerif_400Regular.ttf" static/fonts/NotoSerif-Regular.ttf
cp "$src/700Bold/NotoSerif_700Bold.ttf" static/fonts/NotoSerif-Bold.ttf
cp "$src/400Regular_Italic/NotoSerif_400Regular_Italic.ttf" static/fonts/NotoSerif-Italic.ttf
cp "$src/700Bold_Italic/NotoSerif_700Bold_Italic.ttf" static/fonts/NotoSerif-BoldItalic.ttf
cp "$src/LICENSE_FONT" static/fonts/OFL.txt
sans=node_modules/@expo-google-fonts/noto-sans
cp "$sans/400Regular/NotoSans_400Regular.ttf" static/fonts/NotoSans-Regular.ttf
cp "$sans/700Bold/NotoSans_700Bold.ttf" static/fonts/NotoSans-Bold.ttf
cp "$sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf" static/fonts/NotoSans-Italic.ttf
cp "$sans/700Bold_Italic/NotoSans_700Bold_Italic.ttf" static/fonts/NotoSans-BoldItalic.ttf
echo "static/fonts refreshed from $(node -p "require('./$src/package.json').version")"
