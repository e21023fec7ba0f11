"""``LabelData``: sample-level labels and scores, with one-hot helpers."""
import torch

from .base_data_element import BaseDataElement


class LabelData(BaseDataElement):

    @staticmethod
    def onehot_to_label(onehot: torch.Tensor) -> torch.Tensor:
        """The indices of the ones of a 1-D one-hot (or multi-hot) tensor."""
        assert isinstance(onehot, torch.Tensor)
        if onehot.ndim == 1 and onehot.max().item() <= 1 and onehot.min().item() >= 0:
            return onehot.nonzero().squeeze(-1)
        raise ValueError('input is not one-hot and can not convert to label')

    @staticmethod
    def label_to_onehot(label: torch.Tensor, num_classes: int) -> torch.Tensor:
        """A ``(num_classes,)`` tensor with ones at ``label``."""
        assert isinstance(label, torch.Tensor)
        onehot = label.new_zeros((num_classes,))
        assert max(label, default=torch.tensor(0)).item() < num_classes
        onehot[label] = 1
        return onehot
