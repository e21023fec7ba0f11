"""Which float kernels this machine's torch uses, as a short fingerprint.

The MMCV 1.7.2 and MMEngine 0.10.7 references under tests/fixtures/ are
compared bitwise, and torch's CPU kernels round differently from one CPU
to another (AVX2 against AVX-512 code paths, MKL's own dispatch), so a
recording is only a reference on a machine whose kernels give the same
bits. ``RECORDED`` holds the fingerprint of the machine the fixtures were
recorded on (written by tests/fixtures/record_all.sh); the tests marked
``recorded_numerics`` skip, saying so, on a machine with another one, and
``.ci/run`` records the fixtures again first on such a machine.

    python tests/numerics.py            # print this machine's fingerprint
    python tests/numerics.py --check    # exit 0 if it matches RECORDED, 1 if not
    python tests/numerics.py --write    # store it as RECORDED
"""
import hashlib
import json
import sys
from pathlib import Path

RECORDED = Path(__file__).resolve().parent / 'fixtures' / 'NUMERICS.json'


def _probe_bits() -> bytes:
    """Every bit of a few training steps made of the operations the
    recorded runs use: linear and conv layers, batch norm, dropout,
    cross-entropy and MSE, SGD with momentum and Adam, gradient clipping,
    and matrix products of assorted shapes."""
    import torch
    import torch.nn as nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Dropout(0.3), nn.Linear(4 * 6 * 6, 5))
    head = nn.Linear(5, 1)
    sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    adam = torch.optim.Adam(head.parameters(), lr=1e-3)
    images, labels = torch.randn(6, 3, 8, 8), torch.randint(0, 5, (6,))
    out = []
    for _ in range(3):
        logits = model(images)
        loss = nn.functional.cross_entropy(logits, labels) + nn.functional.mse_loss(
            head(logits).squeeze(1), labels.float())
        sgd.zero_grad()
        adam.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        sgd.step()
        adam.step()
        out.append(loss.detach().reshape(1))
    for m, k, n in ((1, 4, 1), (8, 4, 16), (33, 17, 9), (64, 128, 32)):
        out.append((torch.randn(m, k) @ torch.randn(k, n)).flatten())
    out += [p.detach().flatten() for p in (*model.parameters(), *head.parameters())]
    return ' '.join(x.hex() for x in torch.cat(out).tolist()).encode()


def fingerprint() -> dict:
    import torch
    return dict(torch=torch.__version__,
                cpu_capability=torch.backends.cpu.get_cpu_capability(),
                probe=hashlib.sha256(_probe_bits()).hexdigest()[:16])


def recorded() -> dict:
    try:
        return json.loads(RECORDED.read_text())
    except (OSError, ValueError):
        return {}


def mismatch() -> str:
    """'' when the fixtures were recorded on kernels like this machine's,
    else a sentence saying what differs and how to record them again."""
    here, there = fingerprint(), recorded()
    if here == there:
        return ''
    stored = there or f'no {RECORDED.name}'
    return (f'the MMCV/MMEngine fixtures were recorded on other float kernels ({stored}; '
            f'this machine: {here}): record them here with bash tests/fixtures/record_all.sh')


def main(argv) -> int:
    if argv[1:] == ['--write']:
        RECORDED.write_text(json.dumps(fingerprint(), sort_keys=True) + '\n')
        return 0
    if argv[1:] == ['--check']:
        reason = mismatch()
        print(reason or 'fixtures were recorded on this machine\'s float kernels')
        return 1 if reason else 0
    print(json.dumps(fingerprint(), sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
