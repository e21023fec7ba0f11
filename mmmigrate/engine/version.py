"""The MMEngine version whose API and behaviour this engine follows
(``mmengine.version``): what ``mmengine.__version__`` says, and what
checkpoints and logs record."""
__version__ = '0.10.7'


def parse_version_info(version_str: str) -> tuple:
    """``'0.10.7'`` -> ``(0, 10, 7)``; ``'1.0rc1'`` -> ``(1, 'rc1')``."""
    info = []
    for part in version_str.split('.'):
        if part.isdigit():
            info.append(int(part))
        elif 'rc' in part:
            number, candidate = part.split('rc')
            info.extend([int(number), f'rc{candidate}'])
    return tuple(info)


version_info = parse_version_info(__version__)
