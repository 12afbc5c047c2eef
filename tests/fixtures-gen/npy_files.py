"""NumPy-written arrays for the .npy/.npz reader tests (tests/Workbench.Tests/Data/Files/NpyInteropTests.cs).

Writes tests/Workbench.Tests/Fixtures/npy/: each array is small and its values follow a formula the test recomputes,
so the reader is checked against files NumPy itself wrote (header dict, padding, dtypes, zip layout).
Run with /usr/bin/python3 (NumPy 1.24).
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Workbench.Tests", "Fixtures", "npy")
os.makedirs(OUT, exist_ok=True)

# value of pixel (n, y, x, c) = (n*37 + y*11 + x*5 + c*3) % 256
def pattern(n, h, w, c):
    i = np.arange(n)[:, None, None, None] * 37 + np.arange(h)[None, :, None, None] * 11 \
        + np.arange(w)[None, None, :, None] * 5 + np.arange(c)[None, None, None, :] * 3
    return (i % 256).astype(np.uint8)

grey = pattern(12, 5, 7, 1)[..., 0]                       # (N, H, W) uint8
np.save(os.path.join(OUT, "grey-u8.npy"), grey)
np.save(os.path.join(OUT, "labels-i64.npy"), (np.arange(12) % 3).astype(np.int64))
np.save(os.path.join(OUT, "rgb-hwc-u8.npy"), pattern(4, 5, 6, 3))          # (N, H, W, C)
np.save(os.path.join(OUT, "rgb-chw-f4.npy"), pattern(4, 5, 6, 3).transpose(0, 3, 1, 2).astype(np.float32) / np.float32(255))  # (N, C, H, W)
np.save(os.path.join(OUT, "rgba-hwc-u8.npy"), pattern(3, 4, 6, 4))         # RGBA
np.save(os.path.join(OUT, "images-i64.npy"), grey.astype(np.int64))        # a wrong dtype for images
np.save(os.path.join(OUT, "fortran-u8.npy"), np.asfortranarray(pattern(3, 4, 6, 1)[..., 0]))
np.save(os.path.join(OUT, "big-endian-f4.npy"), (pattern(3, 4, 6, 1)[..., 0] / 255).astype(">f4"))
np.savez_compressed(os.path.join(OUT, "split.npz"),
                    x_train=pattern(10, 4, 6, 1)[..., 0], y_train=(np.arange(10) % 2).astype(np.int64),
                    x_test=pattern(4, 4, 6, 1)[..., 0] ^ 255, y_test=np.array([1, 0, 1, 1], dtype=np.uint8))
print("wrote", sorted(os.listdir(OUT)))
