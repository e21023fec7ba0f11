import torch
from torch.utils.data import DataLoader, Dataset


class SyntheticRegression(Dataset):
    """y = x @ w + noise, drawn once from a seeded generator."""

    def __init__(self, num_samples=64, in_channels=8, seed=0):
        generator = torch.Generator().manual_seed(seed)
        self.x = torch.randn(num_samples, in_channels, generator=generator)
        weight = torch.randn(in_channels, generator=generator)
        self.y = self.x @ weight + 0.1 * torch.randn(num_samples, generator=generator)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return dict(x=self.x[index], y=self.y[index])


def build_train_loader(in_channels, batch_size, num_samples=64):
    dataset = SyntheticRegression(num_samples, in_channels, seed=0)
    return DataLoader(dataset, batch_size=batch_size, shuffle=False)
