#!/usr/bin/env bash
# Browser tests need Debian's Chromium and a CJK font. Installs them when missing and running as root.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|noto serif cjk' || need+=(fonts-wqy-zenhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "安装浏览器测试依赖: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "缺少浏览器测试依赖: ${need[*]}。请以 root 运行: apt-get install ${need[*]}" >&2
  exit 1
fi
