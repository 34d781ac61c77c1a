#!/usr/bin/env bash
# Prepare the sky-survey example: install the tools and the data (Debian/Ubuntu),
# then copy the observations into raw/. Idempotent: packages are installed only when a
# tool is missing, and a raw file is copied only when it is missing or different, so a
# second call changes nothing (no mtime moves, and the next `wf run` has nothing to do).
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"

# tool -> Debian package; eso-midas-testdata holds the observations
packages=(libcfitsio-bin fitsverify source-extractor swarp gnuastro fitspng eso-midas-testdata)
tools=(imcopy fitsverify source-extractor SWarp astfits fitspng)
DATA_GLOB='/usr/lib/eso-midas/*/test/prim'

data_dir() {
  local d
  for d in $DATA_GLOB; do
    [ -f "$d/dss_test1.fits" ] && { echo "$d"; return 0; }
  done
  return 1
}

missing=()
for t in "${tools[@]}"; do command -v "$t" > /dev/null || missing+=("$t"); done
if [ "${#missing[@]}" -gt 0 ] || ! data_dir > /dev/null; then
  echo "setup: installing ${packages[*]} (missing: ${missing[*]:-data})" >&2
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_install() {
    "${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}" < /dev/null
  }
  # the package lists may be missing (fresh container) or stale: update, then retry
  if ! apt_install; then
    "${sudo[@]}" apt-get update < /dev/null
    apt_install
  fi
fi

src=$(data_dir) || { echo "setup: no eso-midas test data under $DATA_GLOB" >&2; exit 1; }

# raw/FIELD/OBSID.fits; the field is the DSS (GSSS) region, or the X-ray target
copies=(
  "dss_test1.fits           raw/XV392/dss_test1.fits"
  "dss_test2.fits           raw/XV392/dss_test2.fits"
  "wcstest.mt               raw/XE410/wcstest.fits"
  "image_M12c.fits          raw/J0030+0451/0112320101.fits"
  "expo_map_M12c.fits       raw/J0030+0451/0112320101.expmap.fits"
)
changed=0
for line in "${copies[@]}"; do
  read -r from to <<< "$line"
  if ! cmp -s "$src/$from" "$to"; then
    mkdir -p "$(dirname -- "$to")"
    cp -- "$src/$from" "$to"
    chmod 0644 "$to"
    echo "setup: copied $src/$from -> $to" >&2
    changed=$((changed + 1))
  fi
done
echo "setup: tools present, ${#copies[@]} raw files in raw/ ($changed copied)" >&2
