#include "model/AttentionUNet.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>

#include <c10/core/GradMode.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include "core/Error.h"
#include "model/LinearUpsample2x.h"
#include "model/NetworkLayers.h"
#include "model/UpsampleConcatFunction.h"

namespace aunet::model {

namespace {

std::string shapeToString(at::IntArrayRef shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

// ceil(size / 2^level): the size a level has once the padded input is cropped back.
std::vector<int64_t> levelSize(const std::vector<int64_t>& input_size, int64_t level) {
  std::vector<int64_t> out;
  out.reserve(input_size.size());
  for (int64_t s : input_size) out.push_back((s + (int64_t{1} << level) - 1) >> level);
  return out;
}

// Keeps the low corner: the network pads at the high end only.
torch::Tensor cropTo(const torch::Tensor& t, const std::vector<int64_t>& size) {
  torch::Tensor out = t;
  for (size_t i = 0; i < size.size(); ++i) {
    const int64_t axis = static_cast<int64_t>(i) + 2;
    if (out.size(axis) != size[i]) out = out.slice(axis, 0, size[i]);
  }
  return out;
}

// Zero padding at the high end of every spatial axis up to a multiple of divisor, so
// every pooling halves exactly and the decoder's upsampling lands on the skip sizes.
torch::Tensor padToMultiple(const torch::Tensor& x, int64_t divisor) {
  std::vector<int64_t> pad;  // constant_pad_nd lists the last axis first
  bool needed = false;
  for (int64_t axis = x.dim() - 1; axis >= 2; --axis) {
    const int64_t extra = (divisor - x.size(axis) % divisor) % divisor;
    needed = needed || extra > 0;
    pad.push_back(0);
    pad.push_back(extra);
  }
  return needed ? torch::constant_pad_nd(x, pad, 0) : x;
}

// Outside CPU autocast: its policy runs max pooling in float32, which turned every
// bf16 level into a float32 copy (twice the size, 113 MB for two 96^3 windows at level
// 0: the largest tensor of a bf16 pass) and the pooled result into float32 that the next
// convolution cast back. The maximum of bf16 values is exact in bf16.
torch::Tensor maxPool2x(const torch::Tensor& x) {
  const c10::impl::ExcludeDispatchKeyGuard no_cpu_autocast(c10::DispatchKey::AutocastCPU);
  return x.dim() == 4 ? torch::max_pool2d(x, {2, 2}) : torch::max_pool3d(x, {2, 2, 2});
}

// cat(skip, upsample(coarser)) along the channels. Channels-last inference writes the
// upsampling straight into the concatenation's second half (no temporary, no cat
// copy); channels-last training does the same through UpsampleConcatFunction, whose
// backward has its own kernel; elsewhere LibTorch's ops run.
// With `skip_norm`, the skip is first normalized by it (the gate's output norm): in
// the fast path straight into the concatenation, which saves a copy of the skip.
torch::Tensor concatenateUpsampled(torch::Tensor skip, const torch::Tensor& coarser, at::MemoryFormat layout,
                                   torch::nn::AnyModule* skip_norm) {
  const std::vector<int64_t> size = layers::spatialSize(skip);
  if (layout != at::MemoryFormat::Preserve && !c10::GradMode::is_enabled()) {
    std::vector<int64_t> shape{skip.size(0), skip.size(1) + coarser.size(1)};
    shape.insert(shape.end(), size.begin(), size.end());
    torch::Tensor merged = torch::empty(shape, skip.options().memory_format(layout));
    torch::Tensor upper = merged.narrow(1, skip.size(1), coarser.size(1));
    if (linearUpsample2xInto(coarser, upper)) {
      torch::Tensor lower = merged.narrow(1, 0, skip.size(1));
      if (skip_norm)
        layers::normalizeInto(std::move(skip), lower, *skip_norm, false);
      else
        lower.copy_(skip);
      return merged;
    }
  }
  if (skip_norm) skip = layers::normalize(std::move(skip), *skip_norm, false);
  if (layout != at::MemoryFormat::Preserve && c10::GradMode::is_enabled()) {  // channels-last training
    torch::Tensor merged = upsampleConcatenate(skip, coarser);
    if (merged.defined()) return merged;
  }
  return torch::cat({skip, layers::resizeLinear(coarser, size)}, 1);
}

// Rows [first, last) of the first spatial axis of cat(skip, upsample2x(coarser)), zero
// outside [0, depth): one slab of the decoder's concatenation with its halo. The
// upsampling writes its rows straight into the slab where its kernel applies; else
// fine row z interpolates coarse rows floor((z-1)/2) and floor((z+1)/2), clamped at
// the volume's ends, so upsampling coarse rows [a, b) on their own gets fine rows
// [2a+1, 2b-2] right (and on to either end of the volume where a or b is that end).
// `reuse` keeps the slab buffer between calls: every slab but the last has the same
// shape, and allocating each anew let the allocator hold on to ~170 MB more at the
// peak of a float32 segmentation (tcmalloc splitting the freed slabs).
torch::Tensor concatenatedRows(const torch::Tensor& skip, const torch::Tensor& coarser, at::MemoryFormat layout,
                               int64_t first, int64_t last, torch::Tensor& reuse) {
  const int64_t depth = skip.size(2);
  std::vector<int64_t> shape(skip.sizes().begin(), skip.sizes().end());
  shape[1] = skip.size(1) + coarser.size(1);
  shape[2] = last - first;
  if (!reuse.defined() || reuse.sizes() != at::IntArrayRef(shape))
    reuse = torch::empty(shape, skip.options().memory_format(layout));
  torch::Tensor rows = reuse;
  const int64_t lo = std::max<int64_t>(first, 0);
  const int64_t hi = std::min(last, depth);
  if (lo > first) rows.narrow(2, 0, lo - first).zero_();
  if (hi < last) rows.narrow(2, hi - first, last - hi).zero_();
  torch::Tensor inside = rows.narrow(2, lo - first, hi - lo);
  inside.narrow(1, 0, skip.size(1)).copy_(skip.narrow(2, lo, hi - lo));
  torch::Tensor upper = inside.narrow(1, skip.size(1), coarser.size(1));
  if (coarser.size(2) * 2 == depth && linearUpsample2xInto(coarser, upper, lo)) return rows;

  const int64_t a = lo == 0 ? 0 : (lo - 1) / 2;
  const int64_t b = std::min(coarser.size(2), (hi + 2) / 2);
  const torch::Tensor coarse = coarser.narrow(2, a, b - a).contiguous(layout);
  std::vector<int64_t> up_shape(coarse.sizes().begin(), coarse.sizes().end());
  for (size_t d = 2; d < up_shape.size(); ++d) up_shape[d] *= 2;
  torch::Tensor up = torch::empty(up_shape, coarse.options().memory_format(layout));
  if (!linearUpsample2xInto(coarse, up))
    up = layers::resizeLinear(coarse, std::vector<int64_t>(up_shape.begin() + 2, up_shape.end()));
  upper.copy_(up.narrow(2, lo - 2 * a, hi - lo));
  return rows;
}

}  // namespace

AttentionUNetImpl::AttentionUNetImpl(const AttentionUNetOptions& options) : options_(options) {
  options_.validate();
  const int64_t dims = options_.spatial_dims();
  const int64_t levels = options_.levels();
  const auto& ch = options_.channels();
  const Normalization norm = options_.norm();

  int64_t previous = options_.in_channels();
  for (int64_t l = 0; l < levels; ++l) {
    encoders_.push_back(register_module("encoder" + std::to_string(l),
                                        ConvBlock(ConvBlockOptions(dims, previous, ch[l]).norm(norm))));
    previous = ch[l];
  }

  // The deepest gate has no decoder output above it; Oktay et al. gate it with the
  // bottleneck passed through a 1x1 conv + norm + ReLU (no conv bias: the norm follows).
  if (isGated(levels - 2)) {
    gating_conv_ = layers::makeConv(dims, ch[levels - 1], ch[levels - 1], 1, 1, 0, false);
    gating_norm_ = layers::makeNorm(norm, dims, ch[levels - 1]);
    register_module("gating_conv", gating_conv_.ptr());
    register_module("gating_norm", gating_norm_.ptr());
  }

  // The gating signal of level l always has channels[l + 1] channels: the decoder
  // output of level l + 1, or the bottleneck's gating signal for l = L-2.
  gates_.assign(static_cast<size_t>(levels - 1), AttentionGate(nullptr));
  for (int64_t l = 0; l < levels - 1; ++l)
    if (isGated(l))
      gates_[l] = register_module("gate" + std::to_string(l),
                                  AttentionGate(AttentionGateOptions(dims, ch[l], ch[l + 1]).norm(norm)));

  for (int64_t l = 0; l < levels - 1; ++l)
    decoders_.push_back(register_module("decoder" + std::to_string(l),
                                        ConvBlock(ConvBlockOptions(dims, ch[l] + ch[l + 1], ch[l]).norm(norm))));

  head_ = layers::makeConv(dims, ch[0], options_.num_classes(), 1, 1, 0, true);
  register_module("head", head_.ptr());

  ds_heads_.resize(static_cast<size_t>(levels - 1));
  if (options_.deep_supervision()) {
    for (int64_t l = 1; l < levels - 1; ++l) {
      ds_heads_[l] = layers::makeConv(dims, ch[l], options_.num_classes(), 1, 1, 0, true);
      register_module("ds" + std::to_string(l), ds_heads_[l].ptr());
    }
  }
}

bool AttentionUNetImpl::isGated(int64_t level) const {
  const auto& gated = options_.gated_levels();
  return std::find(gated.begin(), gated.end(), level) != gated.end();
}

void AttentionUNetImpl::checkInput(const torch::Tensor& x) const {
  const int64_t dims = options_.spatial_dims();
  if (!x.defined()) throw core::Error("network got an undefined input tensor");
  if (x.dim() != dims + 2)
    throw core::Error("network expects a " + std::to_string(dims + 2) + "-D input " +
                      (dims == 3 ? "[N, C, D, H, W]" : "[N, C, H, W]") + ", got shape " + shapeToString(x.sizes()));
  if (x.size(1) != options_.in_channels())
    throw core::Error("network expects " + std::to_string(options_.in_channels()) + " input channel(s), got " +
                      std::to_string(x.size(1)));
  if (x.numel() == 0) throw core::Error("network got an empty input of shape " + shapeToString(x.sizes()));
  if (!x.is_floating_point())
    throw core::Error("network expects a floating point input, got " + std::string(x.dtype().name()));
}

AttentionUNetOutput AttentionUNetImpl::forward_all(const torch::Tensor& x, bool with_attention,
                                                   bool with_deep_supervision) {
  checkInput(x);
  const int64_t levels = options_.levels();
  const std::vector<int64_t> input_size = layers::spatialSize(x);
  const bool want_ds = with_deep_supervision && options_.deep_supervision();

  std::vector<torch::Tensor> skips(static_cast<size_t>(levels));
  torch::Tensor h = padToMultiple(x, options_.size_divisor());
  const bool channels_last = usesChannelsLast(h);
  const at::MemoryFormat layout = channels_last ? layers::channelsLastFormat(h) : at::MemoryFormat::Preserve;
  if (channels_last) h = h.contiguous(layout);
  for (int64_t l = 0; l < levels; ++l) {
    if (l > 0) h = maxPool2x(h);
    h = encoders_[l]->forward(std::move(h), layout);
    skips[l] = h;
  }

  AttentionUNetOutput out;
  // Decoding runs coarse to fine; collect per level and emit in ascending order.
  std::vector<torch::Tensor> alpha_by_level(static_cast<size_t>(levels - 1));
  std::vector<torch::Tensor> ds_by_level(static_cast<size_t>(levels - 1));

  torch::Tensor coarser = skips[levels - 1];  // bottleneck, then each decoder output
  torch::Tensor gating;
  if (!gating_conv_.is_empty()) {
    gating = gating_conv_.forward(coarser);
    gating = layers::normalize(std::move(gating), gating_norm_, true);
  }
  for (int64_t l = levels - 2; l >= 0; --l) {
    torch::Tensor skip = skips[l];
    skips[l] = torch::Tensor();  // release the encoder activation as soon as possible
    torch::nn::AnyModule* skip_norm = nullptr;
    if (!gates_[l].is_empty()) {
      const torch::Tensor& g = (l == levels - 2) ? gating : coarser;
      auto [gated, alpha] = gates_[l]->forward_unnormalized(skip, g);
      skip = gated;  // the encoder activation is released here
      skip_norm = &gates_[l]->output_norm();
      if (with_attention) alpha_by_level[l] = cropTo(alpha, levelSize(input_size, l));
    }
    const int64_t row_bytes = skip.numel() / skip.size(2) / skip.size(1) * (skip.size(1) + coarser.size(1)) *
                              static_cast<int64_t>(skip.element_size());
    if (skip_norm == nullptr && layout != at::MemoryFormat::Preserve && !c10::GradMode::is_enabled() &&
        row_bytes * skip.size(2) > inference_slab_bytes_) {
      const int64_t slab = std::max<int64_t>(2, inference_slab_bytes_ / std::max<int64_t>(row_bytes, 1));
      torch::Tensor buffer;
      torch::Tensor decoded = decoders_[l]->forward_in_slabs(
          [&](int64_t first, int64_t last) { return concatenatedRows(skip, coarser, layout, first, last, buffer); },
          skip.size(2), slab, layout);
      buffer = torch::Tensor();
      skip = torch::Tensor();
      coarser = std::move(decoded);
    } else {
      // Only the concatenation stays alive into the decoder (moved in, freed after its
      // first conv): the skip and the upsampled input would double the peak memory.
      torch::Tensor merged = concatenateUpsampled(std::move(skip), coarser, layout, skip_norm);
      skip = torch::Tensor();
      coarser = torch::Tensor();
      coarser = decoders_[l]->forward(std::move(merged), layout);
    }
    if (want_ds && !ds_heads_[l].is_empty()) {
      ds_by_level[l] = cropTo(ds_heads_[l].forward(coarser), levelSize(input_size, l));
      if (channels_last) ds_by_level[l] = ds_by_level[l].contiguous();  // as the logits
    }
  }
  out.logits = cropTo(head_.forward(coarser), input_size);
  if (channels_last) out.logits = out.logits.contiguous();  // callers index logits as [N, C, *S]

  for (int64_t l = 0; l < levels - 1; ++l) {
    if (alpha_by_level[l].defined()) {
      out.attention.push_back(alpha_by_level[l]);
      out.attention_levels.push_back(l);
    }
    if (ds_by_level[l].defined()) out.deep_supervision.push_back(ds_by_level[l]);
  }
  return out;
}

bool AttentionUNetImpl::usesChannelsLast(const torch::Tensor& x) const {
  const bool on = c10::GradMode::is_enabled() ? channels_last_training_ : channels_last_inference_;
  return on && x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
}

torch::Tensor AttentionUNetImpl::forward(const torch::Tensor& x) { return forward_all(x, false, false).logits; }

int64_t AttentionUNetImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters())
    if (p.requires_grad()) count += p.numel();
  return count;
}

}  // namespace aunet::model
