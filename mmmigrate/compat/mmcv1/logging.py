"""MMCV 1.x's ``get_logger`` / ``print_log`` (``mmcv.utils.logging``): a
``logging.Logger`` set up once per name (a console handler, and a file
handler on rank 0 when ``log_file`` is given); other ranks log errors only.
Libraries' ``get_root_logger`` is built on it."""
import logging

logger_initialized: dict = {}


def _rank() -> int:
    import torch.distributed as dist
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def get_logger(name, log_file=None, log_level=logging.INFO, file_mode='w'):
    logger = logging.getLogger(name)
    if name in logger_initialized or any(name.startswith(known)
                                         for known in logger_initialized):
        return logger
    # the root logger's console handler would print every record a second time
    for handler in logger.root.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.ERROR)
    handlers = [logging.StreamHandler()]
    rank = _rank()
    if rank == 0 and log_file is not None:
        handlers.append(logging.FileHandler(log_file, file_mode))
    formatter = logging.Formatter('%(asctime)s - %(name)s - %(levelname)s - %(message)s')
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.setLevel(log_level)
        logger.addHandler(handler)
    logger.setLevel(log_level if rank == 0 else logging.ERROR)
    logger_initialized[name] = True
    return logger


def print_log(msg, logger=None, level=logging.INFO):
    """``print`` (logger None), ``logging.Logger.log``, ``'silent'``, or the
    logger of that name."""
    if logger is None:
        print(msg)
    elif isinstance(logger, logging.Logger):
        logger.log(level, msg)
    elif logger == 'silent':
        pass
    elif isinstance(logger, str):
        get_logger(logger).log(level, msg)
    else:
        raise TypeError('logger should be either a logging.Logger object, str, '
                        f'"silent" or None, but got {type(logger)}')
