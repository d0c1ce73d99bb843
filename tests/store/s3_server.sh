#!/usr/bin/env bash
# s3rver (npm) for the S3 tests: installs it once into a cache under build/, starts it on
# 127.0.0.1 with DATA_DIR as its storage and BUCKET created (s3rver's configureBuckets), and
# prints "s3rver port=PORT" once it accepts connections. It then serves until killed; its
# errors go to stderr.
#
#   tests/store/s3_server.sh DATA_DIR BUCKET [PORT]     PORT 0 or absent: an ephemeral port
#
# Exits 77 after a "SKIP: ..." line when node or npm is not installed (Debian: nodejs, npm).
# RINGMAIL_S3RVER_CACHE overrides the cache directory (default build/test-cache/s3rver);
# RINGMAIL_S3RVER_VERBOSE=1 makes s3rver log every request to stderr.
# Credentials: s3rver knows one key pair, S3RVER / S3RVER. It does not check SigV4
# signatures (the python3-swift s3api test does).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 DATA_DIR BUCKET [PORT]" >&2
  exit 2
fi
data=$1
bucket=$2
port=${3:-0}
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${RINGMAIL_S3RVER_CACHE:-$root/build/test-cache/s3rver}
version=3.7.1

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (Debian packages: nodejs npm)"
    exit 77
  fi
done

mkdir -p "$cache" "$data"
# One installer at a time: tests run in parallel and share the cache.
exec 9>"$cache/.lock"
flock 9
if [[ ! -f "$cache/.installed-$version" ]]; then
  rm -rf "$cache/node_modules"
  if ! npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
      "s3rver@$version" >&2; then
    echo "npm install s3rver@$version into $cache failed" >&2
    exit 1
  fi
  touch "$cache/.installed-$version"
fi
exec 9>&-

# The ready line goes to fd 3, the original stdout; s3rver's own output goes to stderr, so
# that the caller may stop reading stdout once the server is ready.
export S3RVER_MODULE="$cache/node_modules/s3rver"
exec 3>&1 1>&2
# --openssl-legacy-provider: s3rver makes ListObjectsV2 continuation tokens with DES, which
# OpenSSL 3 only has in its legacy provider.
exec node --openssl-legacy-provider -e '
const S3rver = require(process.env.S3RVER_MODULE);
const [directory, bucket, port] = process.argv.slice(1);
new S3rver({ address: "127.0.0.1", port: Number(port), directory,
             silent: !process.env.RINGMAIL_S3RVER_VERBOSE,
             configureBuckets: [{ name: bucket, configs: [] }] })
  .run()
  .then(({ port }) => require("fs").writeSync(3, `s3rver port=${port}\n`))
  .catch((err) => { console.error(err); process.exit(1); });
' "$data" "$bucket" "$port"
