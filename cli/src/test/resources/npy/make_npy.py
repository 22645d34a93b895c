#!/usr/bin/python3
"""Reference .npy files for NpyTest, written by NumPy itself (numpy.lib.format). Run from this directory:
    /usr/bin/python3 make_npy.py
The arrays are tiny and fixed, so the files are byte-identical across runs of the same NumPy.
"""
import numpy as np
from numpy.lib import format as npf

f = np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5    # exact binary fractions
np.save("f4_2x3.npy", f)                                       # version 1.0
np.save("i4_3.npy", np.array([3, 0, 2], dtype=np.int32))
np.save("i8_3.npy", np.array([3, 0, 2]).astype(np.int64))     # NumPy's default integer
np.save("f4_scalar.npy", np.float32(1.5))
np.save("f4_0x3.npy", np.zeros((0, 3), np.float32))
for version in ((2, 0), (3, 0)):
    with open("f4_2x3_v%d.npy" % version[0], "wb") as out:
        npf.write_array(out, f, version=version)
np.save("f8_2x3.npy", f.astype(np.float64))
np.save("f4_be_2x3.npy", f.astype(">f4"))
np.save("f4_fortran_2x3.npy", np.asfortranarray(f))
np.save("i8_big.npy", np.array([1, 2 ** 40], dtype=np.int64))
