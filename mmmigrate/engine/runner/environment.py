"""Process environment set-up done by the runner (``env_cfg``)."""
import platform


def raise_open_file_limit(resource_limit: int) -> None:
    """Raise the soft limit of open files (dataloader workers need many)."""
    if platform.system() == 'Windows':
        return
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    new_soft = min(max(resource_limit, soft), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
