"""Keep torch to one thread: tests share a small machine with other work."""

import torch

torch.set_num_threads(1)
