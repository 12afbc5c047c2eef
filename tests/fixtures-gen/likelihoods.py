# Regenerate with:  /usr/bin/python3 tests/fixtures-gen/likelihoods.py   (PyTorch 1.13; writes tests/Workbench.Tests/Fixtures/likelihoods.safetensors)
"""PyTorch oracle for the continuous Bernoulli and the discretized logistic likelihoods.

Inputs are drawn in float32 and stored; every reference value is computed in float64 from those float32 inputs, so
the C# float results are compared against the true values (not against float32 rounding in PyTorch's formulas).

Continuous Bernoulli: torch.distributions.ContinuousBernoulli(logits=l) (its own code, with PyTorch's Taylor branch
over probs in (0.499, 0.501]): -log_prob(x), the log normaliser _cont_bern_log_norm() and the mean, each with the
gradient with respect to the logits of sum(value * r) for fixed random weights r. The logits include 0, tiny values,
the branch edges logit(0.499) and logit(0.501) and values just inside and outside them, and |l| up to 15 (beyond
that PyTorch clamps the probability to [eps, 1 - eps] and so no longer gives the exact density).

Discretized logistic over 256 levels of [0, 1] (x = k/255), the end bins taking the tails: the reference formula is
written here in torch in two forms: "exact" (log of the CDF difference in log space, log sigmoid(a) + log sigmoid(-b)
+ log(1 - exp(-(a - b)))) with gradients of sum(nll * r) by autograd, and "pixelcnn" (Salimans et al. 2017's
discretized_logistic_loss for one component, rescaled from [-1, 1] to [0, 1]: the CDF difference formed directly,
replaced by the density at the bin centre times the bin width when it is below 1e-5), with the mask of elements
where PixelCNN++ used the difference itself.
"""
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch.distributions import ContinuousBernoulli

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, save_safetensors  # noqa: E402

LEVELS = 256


def logit(p):
    return math.log(p / (1.0 - p))


def continuous_bernoulli(tensors):
    torch.manual_seed(24)
    edge_low, edge_high = logit(0.499), logit(0.501)
    special = [0.0, 1e-6, -1e-6, 1e-4, -3e-4, 0.002, -0.002, edge_low, edge_high, edge_low * 0.999, edge_low * 1.001,
               edge_high * 0.999, edge_high * 1.001, 0.0041, -0.0041, 0.01, -0.05, 0.3, -1.0, 2.5, -4.0, 5.0, 8.0, -10.0, 12.0, -15.0, 15.0]
    logits32 = torch.cat([torch.tensor(special, dtype=torch.float32), 3.0 * torch.randn(37)])
    n = logits32.numel()
    x32 = torch.rand(n)
    x32[:4] = torch.tensor([0.0, 1.0, 0.5, 1.0])
    x32[-3:] = torch.tensor([0.0, 1.0, 0.25])
    r32 = torch.randn(3, n)
    tensors.update({"cb.logits": logits32, "cb.x": x32, "cb.r": r32})

    def evaluate(name, fn, r):
        l = logits32.double().requires_grad_(True)
        value = fn(ContinuousBernoulli(logits=l))
        (value * r.double()).sum().backward()
        tensors[f"cb.{name}"] = value.detach()
        tensors[f"cb.grad.{name}"] = l.grad.detach()

    evaluate("nll", lambda d: -d.log_prob(x32.double()), r32[0])
    evaluate("log_norm", lambda d: d._cont_bern_log_norm(), r32[1])
    evaluate("mean", lambda d: d.mean, r32[2])


def dl_exact(mu, log_s, x):
    top = LEVELS - 1
    k = torch.round(x * top)
    centred = k / top - mu
    inv_s = torch.exp(-log_s)
    a = (centred + 0.5 / top) * inv_s
    b = (centred - 0.5 / top) * inv_s
    log_upper = -F.softplus(-a)   # log sigmoid(a): the CDF at the bin's upper edge
    log_lower = -F.softplus(b)    # log(1 - sigmoid(b)): the mass above the bin's lower edge
    interior = log_upper + log_lower + torch.log(-torch.expm1(-(a - b)))
    return -torch.where(k == 0, log_upper, torch.where(k == top, log_lower, interior))


def dl_pixelcnn(mu, log_s, x):
    top = LEVELS - 1
    centred = x - mu
    inv_s = torch.exp(-log_s)
    plus_in = inv_s * (centred + 0.5 / top)
    min_in = inv_s * (centred - 0.5 / top)
    cdf_delta = torch.sigmoid(plus_in) - torch.sigmoid(min_in)
    log_cdf_plus = plus_in - F.softplus(plus_in)
    log_one_minus_cdf_min = -F.softplus(min_in)
    mid_in = inv_s * centred
    log_pdf_mid = mid_in - log_s - 2.0 * F.softplus(mid_in)
    interior = torch.where(cdf_delta > 1e-5, torch.log(torch.clamp(cdf_delta, min=1e-12)), log_pdf_mid - math.log(top))
    lp = torch.where(x < 0.5 / top, log_cdf_plus, torch.where(x > 1.0 - 0.5 / top, log_one_minus_cdf_min, interior))
    return -lp, (cdf_delta > 1e-5) | (x < 0.5 / top) | (x > 1.0 - 0.5 / top)


def discretized_logistic(tensors):
    torch.manual_seed(25)
    n = 96
    mu32 = -0.3 + 1.6 * torch.rand(n)
    log_s32 = math.log(0.002) + (math.log(0.5) - math.log(0.002)) * torch.rand(n)
    levels = torch.randint(0, LEVELS, (n,))
    levels[:8] = torch.tensor([0, 0, 255, 255, 1, 254, 128, 0])
    # far tails: the CDF difference underflows (PixelCNN++ falls back to the mid-bin density)
    mu32[88:] = torch.tensor([0.95, 0.9, 0.05, 0.1, 0.5, 0.99, 0.01, 0.7])
    log_s32[88:] = math.log(0.003)
    levels[88:] = torch.tensor([10, 30, 240, 200, 5, 120, 250, 2])
    # near the mean: x on the mean's level
    mu32[8:12] = levels[8:12].float() / (LEVELS - 1)
    x32 = (levels.double() / (LEVELS - 1)).float()
    r32 = torch.randn(n)
    tensors.update({"dl.mean": mu32, "dl.log_scale": log_s32, "dl.x": x32, "dl.r": r32})

    mu = mu32.double().requires_grad_(True)
    log_s = log_s32.double().requires_grad_(True)
    nll = dl_exact(mu, log_s, x32.double())
    (nll * r32.double()).sum().backward()
    tensors["dl.nll"] = nll.detach()
    tensors["dl.grad.mean"] = mu.grad.detach()
    tensors["dl.grad.log_scale"] = log_s.grad.detach()

    pixelcnn, direct = dl_pixelcnn(mu32.double(), log_s32.double(), levels.double() / (LEVELS - 1))  # the level itself, as dl_exact
    tensors["dl.pixelcnn_nll"] = pixelcnn
    tensors["dl.pixelcnn_direct"] = direct.double()
    assert direct.sum() < n, "some case should take PixelCNN++'s fallback"
    agree = (pixelcnn - nll.detach()).abs()[direct].max().item()
    assert agree < 1e-6, f"exact and PixelCNN++ forms disagree by {agree} where the difference is formed directly"


def main():
    tensors = {}
    continuous_bernoulli(tensors)
    discretized_logistic(tensors)
    save_safetensors(os.path.join(OUT_DIR, "likelihoods.safetensors"), tensors,
                     {"torch": torch.__version__, "levels": LEVELS})


if __name__ == "__main__":
    main()
