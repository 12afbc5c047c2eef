# Regenerates ../nn_module_tree.json (state_dict keys and shapes, named_modules, repr of a small
# convolutional autoencoder): run with PyTorch from any folder: it writes into tests/Workbench.Tests/Fixtures/.
import os
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Workbench.Tests", "Fixtures")
import json
import torch
import torch.nn as nn


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 16))
        self.decoder = nn.Sequential(
            nn.Linear(8, 64 * 7 * 7), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1, output_padding=1), nn.Tanh(),
            nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1, bias=False), nn.Sigmoid())


m = Autoencoder()
sd = m.state_dict()
out = {"generator": "PyTorch " + torch.__version__, "keys": list(sd.keys()),
       "shapes": [list(v.shape) for v in sd.values()], "repr": repr(m),
       "modules": [n for n, _ in m.named_modules()]}
json.dump(out, open(os.path.join(FIXTURES, "nn_module_tree.json"), "w"), indent=1, ensure_ascii=False)
