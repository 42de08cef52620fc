#!/usr/bin/env bash
# Makes the Python virtual environment the Spark driver's test (and a user trying the driver on
# local Spark) runs in: PySpark from PyPI, pinned, nothing else.
#
#   scripts/spark-venv.sh [DIR]      (default: .venv-spark in the repository root)
#
# Prints DIR's python on its last line. Idempotent: an environment that already imports the pinned
# PySpark is kept. PySpark needs a Java runtime (17 here: `apt-get install openjdk-17-jre-headless`),
# which this script does not install; `.ci/run` does.
#
# 3.5.x because EMR 7 runs Spark 3.5; the driver uses only RDD calls that Spark 3 and 4 share.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.venv-spark}"
version="3.5.7"
python="$dir/bin/python"
if [ -x "$python" ] && "$python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$version')" 2>/dev/null; then
    echo "$python"
    exit 0
fi
python3 -m venv "$dir"
"$python" -m pip install --quiet --disable-pip-version-check "pyspark==$version" >&2
"$python" -c "import pyspark; print('pyspark', pyspark.__version__)" >&2
echo "$python"
