"""Regenerate iris.csv, digits.csv.gz and diabetes.csv from Debian's python3-sklearn package.

    apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb x
    python3 regenerate.py x/usr/lib/python3/dist-packages/sklearn/datasets/data

Iris gets a header and species names; digits gets the header p0..p63,label (the
layout of shared/data/digits_*.csv) and is gzipped with mtime 0 so that the output
is byte-identical on every run. Diabetes joins the raw (unscaled) features of
diabetes_data_raw.csv.gz with diabetes_target.csv.gz under a header.
"""
import csv, gzip, io, os, sys

src = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))

species = ["setosa", "versicolor", "virginica"]
rows = list(csv.reader(open(os.path.join(src, "iris.csv"))))[1:]
with open(os.path.join(here, "iris.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm", "species"])
    for r in rows:
        w.writerow(r[:4] + [species[int(r[4])]])

rows = list(csv.reader(io.TextIOWrapper(gzip.open(os.path.join(src, "digits.csv.gz")))))
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(["p%d" % i for i in range(64)] + ["label"])
for r in rows:
    assert len(r) == 65, len(r)
    w.writerow([str(int(float(v))) for v in r])
with open(os.path.join(here, "digits.csv.gz"), "wb") as f:
    f.write(gzip.compress(buf.getvalue().encode(), compresslevel=9, mtime=0))

features = [r.split() for r in io.TextIOWrapper(gzip.open(os.path.join(src, "diabetes_data_raw.csv.gz")))]
target = [r.strip() for r in io.TextIOWrapper(gzip.open(os.path.join(src, "diabetes_target.csv.gz")))]
assert len(features) == len(target) == 442, (len(features), len(target))
with open(os.path.join(here, "diabetes.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"])
    for r, t in zip(features, target):
        assert len(r) == 10, r
        w.writerow(r + ["%g" % float(t)])
