"""``load_url`` (``mmengine.utils.dl_utils.hub``): torch's model-zoo download."""
from torch.hub import load_state_dict_from_url as load_url

__all__ = ['load_url']
