"""parse_yolo_labels goes through NumPy and returns float64 boxes instead of float32."""

import numpy as np


def parse_yolo_labels(text):
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 5:
            raise ValueError(f"text, line {number}: expected 5 fields 'class cx cy w h', got {len(fields)}: {line!r}")
        try:
            label = int(fields[0])
            coords = [float(field) for field in fields[1:]]
        except ValueError:
            raise ValueError(f"text, line {number}: expected an integer class and 4 numbers, got {line!r}") from None
        if label < 0 or not all(0.0 <= v <= 1.0 for v in coords):
            raise ValueError(f"text, line {number}: bad class or coordinate: {line!r}")
        rows.append([label, *coords])
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    return torch.from_numpy(table[:, 0].astype(np.int64)), torch.from_numpy(table[:, 1:].copy())
