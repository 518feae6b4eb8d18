#!/usr/bin/env bash
# Refresh contest/auth/common-passwords.txt from the npm package zxcvbn named in
# package.json: the 30,000 passwords people choose most often, most common first.
# The list is committed, so neither setting up nor running the app needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-save --no-audit --no-fund
out=contest/auth/common-passwords.txt
node -e '
const lists = require("./node_modules/zxcvbn/lib/frequency_lists.js");
const version = require("./node_modules/zxcvbn/package.json").version;
process.stdout.write("# The most common passwords, from zxcvbn " + version +
  " (MIT licence, Dan Wheeler and Dropbox, Inc.); scripts/vendor-passwords.sh\n");
process.stdout.write(lists.passwords.join("\n") + "\n");
' > "$out"
echo "$out: $(grep -vc '^#' "$out") passwords"
