"""The bank's deterministic synthetic data set: schema, generator and loader."""

from bankdata.generate import SEED, Dataset, generate

__all__ = ["SEED", "Dataset", "generate"]
