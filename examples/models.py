"""Small models the picture examples, tests and benchmarks share.

``ResNetStyle`` is a ResNet in miniature (a stem, ``blocks`` residual
BasicBlocks of Conv2d/BatchNorm2d/ReLU with an identity shortcut, a linear
head) with few channels, meant for 8x8 inputs: it has the depth and the
module nesting of a real ResNet (hundreds of recorded ops) while one forward
and backward take a fraction of a second.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd as ag  # noqa: E402
import nn  # noqa: E402


class BasicBlock(nn.Module):
    """conv-bn-relu-conv-bn plus the input, then relu (He et al., 2016)."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class ResNetStyle(nn.Module):
    """Stem, ``blocks`` BasicBlocks in two stages (``layer1``, ``layer2``),
    global average pool and a linear classifier."""

    def __init__(self, blocks=20, channels=4, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(channels), nn.ReLU())
        half = blocks // 2
        self.layer1 = nn.Sequential(*[BasicBlock(channels) for _ in range(half)])
        self.layer2 = nn.Sequential(*[BasicBlock(channels) for _ in range(blocks - half)])
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(x.mean(dim=(2, 3)))


def resnet_loss(blocks=20, batch=2, seed=0):
    """A ResNetStyle model and the cross-entropy loss of one random batch of
    8x8 images (not yet backpropagated)."""
    ag.manual_seed(seed)
    model = ResNetStyle(blocks)
    x = ag.randn(batch, 3, 8, 8)
    target = ag.tensor([k % 10 for k in range(batch)])
    loss = nn.CrossEntropyLoss()(model(x), target)
    return model, loss


def mlp():
    """A 2-3-1 tanh network on one example, small enough to print every
    value and gradient in the picture."""
    ag.manual_seed(1)
    return nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))


def deep_sigmoid(layers=12, width=4):
    """A deep sigmoid network: its gradients shrink layer by layer towards
    the input (the lecture notes' vanishing-gradient lesson)."""
    ag.manual_seed(2)
    mods = []
    for _ in range(layers):
        mods += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*mods, nn.Linear(width, 1))
