#!/usr/bin/env bash
# Check the products of a finished run of the sky-survey example.
# Usage: ./expected.sh [EXAMPLE_DIR]   (default: this script's directory)
# Exit 0 when every check passes, 1 otherwise; one line per check on stdout.
# Reference figures: source-extractor 2.25.0, SWarp 2.41.5, gnuastro 0.19 (Debian 12).
# Counts may move a little with other tool versions, hence the tolerances.
set -uo pipefail
cd "${1:-$(dirname -- "${BASH_SOURCE[0]}")}" || exit 2

failed=0
ok()   { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failed=1; }
rows() { asttable "$1" -h1 2> /dev/null | wc -l; }
# within NAME VALUE MIN MAX
within() {
  set -- "$1" "${2:--1}" "$3" "$4"
  if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then ok "$1 = $2 (expected $3..$4)"
  else fail "$1 = $2 (expected $3..$4)"; fi
}
exists() { if [ -s "$1" ]; then ok "$1 exists"; else fail "$1 missing or empty"; fi; }

for f in L3/merged.fits L3/XV392/dss_test1-dss_test2.match.fits L3/qa-summary.txt \
         L3/XV392/mosaic.fits L3/XV392/mosaic.weight.fits L3/XV392/mosaic.png \
         L3/XE410/mosaic.fits L3/XE410/mosaic.png L1/J0030+0451/0112320101.rate.png; do
  exists "$f"
done

# L2 source lists (reference: 24, 26, 108 optical; 40 X-ray)
n1=$(rows L2/XV392/dss_test1.cat.fits); within "sources dss_test1" "$n1" 18 30
n2=$(rows L2/XV392/dss_test2.cat.fits); within "sources dss_test2" "$n2" 20 32
n3=$(rows L2/XE410/wcstest.cat.fits);   within "sources wcstest" "$n3" 85 130
nx=$(rows L2/J0030+0451/0112320101.xcat.fits); within "sources XMM 0112320101" "$nx" 30 50

# L3 merged catalogue: exactly the sum of its parts, over 4 observations
nm=$(rows L3/merged.fits); total=$((n1 + n2 + n3 + nx))
within "merged rows" "$nm" "$total" "$total"
nobs=$(asttable L3/merged.fits -h1 -cOBS 2> /dev/null | sort -u | wc -l)
within "merged observations (distinct OBS)" "$nobs" 4 4

# L3 cross-match of the two cutouts of one plate (reference: 9), magnitudes agree
nmatch=$(rows L3/XV392/dss_test1-dss_test2.match.fits); within "matched XV392" "$nmatch" 5 15
dmag=$(asttable L3/XV392/dss_test1-dss_test2.match.fits -h1 -c5,6 2> /dev/null \
  | awk '{ d = $1 - $2; s += (d < 0 ? -d : d) } END { printf "%d", (NR ? 1000 * s / NR : 9999) }')
within "matched |dmag| mean (mmag)" "$dmag" 0 150

# L3 mosaics (reference: 265x264 for the 2-image field, 378x380 for the single image)
dims() { astfits "$1" -h0 --keyvalue=NAXIS1,NAXIS2 --quiet 2> /dev/null; }
read -r w h <<< "$(dims L3/XV392/mosaic.fits)"
within "mosaic XV392 width" "${w:-0}" 255 275; within "mosaic XV392 height" "${h:-0}" 255 275
read -r w h <<< "$(dims L3/XE410/mosaic.fits)"
within "mosaic XE410 width" "${w:-0}" 370 390; within "mosaic XE410 height" "${h:-0}" 370 390
if [ -e L3/J0030+0451/mosaic.fits ]; then fail "X-ray field got an optical mosaic"; else ok "no optical mosaic for the X-ray field"; fi
for p in L3/XV392/mosaic.png L3/XE410/mosaic.png L1/J0030+0451/0112320101.rate.png; do
  if file "$p" 2> /dev/null | grep -q 'PNG image data'; then ok "$p is a PNG"; else fail "$p is not a PNG"; fi
done

# L0/L0.5 QA: the two raw DSS frames fail fitsverify, every repaired frame passes
nfail=$(grep -c $'^L0/.*\tFAIL' L3/qa-summary.txt 2> /dev/null); within "raw frames failing fitsverify" "$nfail" 2 2
npass=$(grep -c $'^L0\\.5/.*\tPASS' L3/qa-summary.txt 2> /dev/null); within "repaired frames passing fitsverify" "$npass" 3 3

# Sanity: the brightest X-ray source is PSR J0030+0451, catalogued at
# 00:30:27.43 +04:51:39.7 = RA 7.614292 Dec +4.861028 (reference: 1.2 arcsec off)
sep=$(asttable L2/J0030+0451/0112320101.xcat.fits -h1 -cALPHA_J2000,DELTA_J2000,FLUX_AUTO \
        --sort=FLUX_AUTO 2> /dev/null | tail -1 \
  | awk '{ d2r = atan2(0, -1) / 180; dra = ($1 - 7.614292) * cos(4.861028 * d2r); dde = $2 - 4.861028
           printf "%d", 10 * sqrt(dra * dra + dde * dde) * 3600 }')
within "brightest X-ray source to PSR J0030+0451 (0.1 arcsec)" "${sep:-9999}" 0 50

if [ "$failed" -eq 0 ]; then echo "all checks passed"; else echo "some checks FAILED"; fi
exit "$failed"
