"""Programs written for PyTorch -- each in the style of one of its official
tutorials -- run unchanged with ``import chainrule as torch``.

Each program is the body of ``run(torch, nn, F, INIT, data)``: it builds its
model, loads ``INIT`` when given (a state dict as NumPy arrays), trains for a
few steps on ``data`` and returns the initial state and what it measured.
The chainrule run starts from chainrule's own initialization; with PyTorch
installed, PyTorch then runs the same text from that state and must measure
the same numbers (float64, so the tolerance is far from rounding noise)."""
import textwrap

import numpy as np
import pytest

import chainrule

TEXT_CLASSIFICATION = '''
class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))

model = TextClassificationModel(50, 8, 4)
if INIT is not None:
    model.load_state_dict({k: torch.tensor(v) for k, v in INIT.items()})
init = {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=5.0)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
losses, correct = [], 0
model.train()
for text, offsets, label in data:
    text, offsets, label = torch.tensor(text), torch.tensor(offsets), torch.tensor(label)
    optimizer.zero_grad()
    predicted_label = model(text, offsets)
    loss = criterion(predicted_label, label)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    optimizer.step()
    losses.append(loss.item())
    correct += (predicted_label.argmax(1) == label).sum().item()
scheduler.step()
return init, {"losses": losses, "correct": correct, "lr": scheduler.get_last_lr()}
'''

SPATIAL_TRANSFORMER = '''
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3)
        self.fc1 = nn.Linear(4 * 7 * 7, 10)
        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3), nn.MaxPool2d(2, stride=2), nn.ReLU(True))
        self.fc_loc = nn.Sequential(nn.Linear(4 * 7 * 7, 8), nn.ReLU(True), nn.Linear(8, 3 * 2))
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 4 * 7 * 7)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False)

    def forward(self, x):
        x = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = x.view(-1, 4 * 7 * 7)
        return F.log_softmax(self.fc1(x), dim=1)

model = Net()
if INIT is not None:
    model.load_state_dict({k: torch.tensor(v) for k, v in INIT.items()})
init = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
losses = []
images, labels = torch.tensor(data[0]), torch.tensor(data[1])
for step in range(4):
    optimizer.zero_grad()
    output = model(images)
    loss = F.nll_loss(output, labels)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
theta_grad = model.fc_loc[2].weight.grad.abs().sum().item()
return init, {"losses": losses, "theta_grad": theta_grad}
'''

PACKED_GRU_AND_HESSIAN = '''
# (a file would say "from torch.nn.utils.rnn import ..."; here torch is an argument)
pack_padded_sequence = torch.nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = torch.nn.utils.rnn.pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 5, padding_idx=0)
        self.rnn = nn.GRU(5, 6, batch_first=True, bidirectional=True)
        self.out = nn.Linear(12, 4)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True,
                                      enforce_sorted=False)
        output, _ = self.rnn(packed)
        output, _ = pad_packed_sequence(output, batch_first=True)
        return self.out(output)

model = Tagger()
if INIT is not None:
    model.load_state_dict({k: torch.tensor(v) for k, v in INIT.items()})
init = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
tokens, lengths, tags = (torch.tensor(a) for a in data)
losses = []
for step in range(3):
    optimizer.zero_grad()
    logits = model(tokens, lengths)
    loss = F.cross_entropy(logits.reshape(-1, 4), tags[:, :logits.shape[1]].reshape(-1),
                           ignore_index=-100)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

def energy(x):
    return (model.out.weight @ torch.tanh(x)).pow(2).sum()

x0 = torch.linspace(-1, 1, 12)
hessian = torch.autograd.functional.hessian(energy, x0)
g = torch.Generator().manual_seed(0)
probs = F.softmax(model(tokens, lengths)[0, 0], dim=-1)
draws = torch.multinomial(probs, 5, replacement=True, generator=g)
return init, {"losses": losses, "hessian": hessian.detach().numpy(),
              "draws_shape": tuple(draws.shape), "draws_dtype": str(draws.dtype)}
'''


def _run(program, lib, init, data):
    source = "def run(torch, nn, F, INIT, data):\n" + textwrap.indent(program, "    ")
    namespace = {}
    exec(compile(source, f"<{lib.__name__} program>", "exec"), namespace)
    previous = lib.get_default_dtype()
    lib.set_default_dtype(lib.float64)
    try:
        lib.manual_seed(0)
        return namespace["run"](lib, lib.nn, lib.nn.functional, init, data)
    finally:
        lib.set_default_dtype(previous)


def _text_data():
    rng = np.random.default_rng(0)
    batches = []
    for _ in range(3):
        lengths = rng.integers(1, 6, 5)
        text = rng.integers(0, 50, lengths.sum())
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        batches.append((text, offsets, rng.integers(0, 4, 5)))
    return batches


def _image_data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(3, 1, 16, 16)), rng.integers(0, 10, 3)


def _sequence_data():
    rng = np.random.default_rng(2)
    lengths = np.array([4, 2, 3])
    tokens = np.zeros((3, 4), dtype=np.int64)
    tags = np.full((3, 4), -100)
    for i, n in enumerate(lengths):
        tokens[i, :n] = rng.integers(1, 12, n)
        tags[i, :n] = rng.integers(0, 4, n)
    return tokens, lengths, tags


PROGRAMS = {"text_classification": (TEXT_CLASSIFICATION, _text_data),
            "spatial_transformer": (SPATIAL_TRANSFORMER, _image_data),
            "packed_gru_and_hessian": (PACKED_GRU_AND_HESSIAN, _sequence_data)}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_runs_unchanged_and_learns(name):
    program, make_data = PROGRAMS[name]
    _, measured = _run(program, chainrule, None, make_data())
    losses = measured["losses"]
    assert all(np.isfinite(losses))
    assert losses[-1] < losses[0], losses
    if name == "spatial_transformer":
        assert measured["theta_grad"] > 0            # the grid's gradient reached theta
    if name == "packed_gru_and_hessian":
        h = measured["hessian"]
        assert h.shape == (12, 12) and np.allclose(h, h.T)
        assert measured["draws_shape"] == (5,) and measured["draws_dtype"] == "int64"


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_matches_pytorch_from_the_same_weights(name):
    torch = pytest.importorskip("torch")
    program, make_data = PROGRAMS[name]
    init, ours = _run(program, chainrule, None, make_data())
    _, theirs = _run(program, torch, init, make_data())
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-9)
    for key in ours:
        if key == "losses":
            continue
        if key == "draws_dtype":
            assert theirs[key] == "torch.int64"
        elif isinstance(ours[key], np.ndarray):
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-9)
