"""`chainrule train` end to end: every output file, argument errors, data
errors, the t10k-only MNIST split, exact resume, and the default run's
accuracy on the bundled digits."""
import gzip
import importlib.metadata
import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import chainrule.train_job as job
from chainrule.checkpoint import load_checkpoint
from chainrule.cli import main
from chainrule.models import build
from chainrule.weights import load_safetensors

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(tmp_path, *args, name="run"):
    out = tmp_path / name
    code = main(["train", "--out", str(out), "--quiet", *args])
    return code, out


def test_help_reads_and_the_console_script_is_registered():
    text = subprocess.run([sys.executable, "-m", "chainrule.cli", "train", "--help"],
                          capture_output=True, text=True, check=True).stdout
    for option in ("--model", "--data", "--data-dir", "--optimizer", "--lr", "--epochs",
                   "--batch-size", "--seed", "--out", "--resume", "--quiet"):
        assert option in text
    scripts = {e.name: e.value for e in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts.get("chainrule") == "chainrule.cli:main"


@pytest.mark.parametrize("args, words", [
    (["--epochs", "0"], "--epochs must be > 0, got 0"),
    (["--epochs", "two"], "--epochs must be a whole number, got 'two'"),
    (["--lr", "-1"], "--lr must be > 0, got -1"),
    (["--model", "resnet"], "invalid choice: 'resnet'"),
    (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
    (["--weight-decay", "-0.1"], "--weight-decay must be >= 0"),
])
def test_bad_arguments_are_argparse_errors(tmp_path, capsys, args, words):
    with pytest.raises(SystemExit) as exit_:
        run(tmp_path, *args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: chainrule train") and words in err
    assert not (tmp_path / "run").exists()


def test_a_missing_data_directory_names_the_files_it_looked_for(tmp_path, capsys):
    code, out = run(tmp_path, "--data", "mnist", "--data-dir", str(tmp_path / "nowhere"))
    assert code == 1
    err = capsys.readouterr().err
    assert "nowhere" in err and "t10k-images-idx3-ubyte" in err
    assert not out.exists()


def test_a_short_run_writes_every_output(tmp_path, capsys):
    code, out = run(tmp_path, "--epochs", "2")
    assert code == 0
    assert "test accuracy" in capsys.readouterr().out
    names = {"metrics.json", "curves.png", "confusion.png", "graph.svg", "checkpoint.npz",
             "model.safetensors"}
    assert names <= set(os.listdir(out))
    assert not [n for n in os.listdir(out) if n.endswith(".tmp")]

    metrics = json.loads((out / "metrics.json").read_text())
    assert 0.5 < metrics["test_accuracy"] <= 1 and metrics["test_loss"] > 0
    assert [c["class"] for c in metrics["per_class"]] == list(range(10))
    assert sum(c["support"] for c in metrics["per_class"]) == 359  # 20% of 1,797
    assert np.array(metrics["confusion_matrix"]).sum() == 359
    assert metrics["history"]["epochs"] == [1, 2]
    assert set(metrics["history"]["metrics"]) >= {"train_loss", "val_loss", "val_accuracy"}
    assert metrics["arguments"]["epochs"] == 2 and metrics["arguments"]["model"] == "mlp"
    assert "numpy" in metrics["versions"]

    for png in ("curves.png", "confusion.png"):
        data = (out / png).read_bytes()
        assert data.startswith(PNG_MAGIC)
        width, height = struct.unpack(">II", data[16:24])
        assert width > 200 and height > 200
    svg = ET.parse(out / "graph.svg").getroot()
    assert svg.tag.endswith("svg")
    assert "Linear" in (out / "graph.svg").read_text()  # module boxes are labelled

    model = build("mlp", (1, 8, 8), 10)
    state = load_checkpoint(out / "checkpoint.npz", model=model)
    assert state["epoch"] == 2
    weights = load_safetensors(out / "model.safetensors")
    for name, tensor in model.state_dict().items():
        np.testing.assert_array_equal(weights[name].numpy(), tensor.numpy())


def test_without_dot_the_graph_is_a_one_line_note(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    code, out = run(tmp_path, "--epochs", "1")
    assert code == 0 and not (out / "graph.svg").exists()
    note = json.loads((out / "metrics.json").read_text())["graph"]
    assert "dot is not installed" in note and "apt-get install graphviz" in note


def write_idx(path, array, code):
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I",
                                                                   *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(">u1").tobytes())


def test_mnist_with_only_the_t10k_pair_is_split_and_says_so(tmp_path, capsys):
    rng = np.random.default_rng(0)
    labels = np.arange(60) % 10
    images = rng.integers(0, 60, (60, 28, 28)).astype(np.uint8)
    images[np.arange(60), labels, :] = 255  # a learnable stripe per class
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images, 0x08)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels, 0x08)
    out = tmp_path / "run"
    code = main(["train", "--data", "mnist", "--data-dir", str(tmp_path), "--model", "cnn",
                 "--epochs", "1", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "holds only the t10k files" in printed and "48 images" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert sum(c["support"] for c in metrics["per_class"]) == 12


def test_resume_continues_to_the_same_result_as_an_uninterrupted_run(tmp_path, monkeypatch):
    code, straight = run(tmp_path, "--epochs", "3", "--model", "cnn", name="straight")
    assert code == 0

    real_save = job.save_checkpoint

    def save_then_crash(path, **kw):
        real_save(path, **kw)
        if kw["epoch"] == 1:
            raise KeyboardInterrupt  # the run dies right after its first checkpoint

    monkeypatch.setattr(job, "save_checkpoint", save_then_crash)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, "--epochs", "3", "--model", "cnn", name="resumed")
    monkeypatch.setattr(job, "save_checkpoint", real_save)
    resumed = tmp_path / "resumed"
    code, _ = run(tmp_path, "--epochs", "3", "--model", "cnn", "--resume",
                  str(resumed / "checkpoint.npz"), name="resumed")
    assert code == 0
    a, b = load_safetensors(straight / "model.safetensors"), \
        load_safetensors(resumed / "model.safetensors")
    for name in a:
        np.testing.assert_array_equal(a[name].numpy(), b[name].numpy())
    ma, mb = (json.loads((d / "metrics.json").read_text()) for d in (straight, resumed))
    assert ma["history"] == mb["history"] and ma["test_loss"] == mb["test_loss"]


def test_a_checkpoint_of_another_model_or_a_missing_one_is_one_line_naming_it(tmp_path,
                                                                             capsys):
    code, out = run(tmp_path, "--epochs", "1", "--model", "mlp")
    capsys.readouterr()
    code, _ = run(tmp_path, "--epochs", "2", "--model", "cnn", "--resume",
                  str(out / "checkpoint.npz"), name="other")
    err = capsys.readouterr().err
    assert code == 1 and "--resume" in err and "checkpoint.npz" in err and "does not fit" in err
    code, _ = run(tmp_path, "--resume", str(tmp_path / "missing.npz"), name="other")
    assert code == 1 and "missing.npz" in capsys.readouterr().err


def test_the_default_run_reaches_97_percent_on_the_digits(tmp_path):
    code, out = run(tmp_path)
    assert code == 0
    assert json.loads((out / "metrics.json").read_text())["test_accuracy"] >= 0.97
