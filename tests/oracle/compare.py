"""Comparisons between oracle results and ours, shared by the fixture tests
and the live differential tests."""

REL_TOL = 1e-12


def _close(a: str, b: str) -> bool:
    x, y = float.fromhex(a), float.fromhex(b)
    return x == y or abs(x - y) <= REL_TOL * max(abs(x), abs(y))


def scheduler_mismatches(expected: dict, actual: dict) -> list:
    """Steps where the recorded parameter values differ by more than
    REL_TOL (relative); empty when the runs agree."""
    if 'error' in expected or 'error' in actual:
        return [] if expected == actual else [('error', expected, actual)]
    problems = []
    for key in ('lr', 'momentum', 'weight_decay'):
        exp_steps, act_steps = expected[key], actual[key]
        if len(exp_steps) != len(act_steps):
            problems.append((key, 'steps', len(exp_steps), len(act_steps)))
            continue
        for step, (exp, act) in enumerate(zip(exp_steps, act_steps)):
            if len(exp) != len(act) or not all(map(_close, exp, act)):
                problems.append((key, step, exp, act))
    if expected['last_step'] != actual['last_step']:
        problems.append(('last_step', expected['last_step'], actual['last_step']))
    return problems
