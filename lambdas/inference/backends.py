"""Run a forward pass: MXNet (SageMaker artifacts) or DLR (Neo / treelite).

Each backend takes a float32 batch shaped (1, C, H, W) and returns the list of
output arrays as numpy. The device (CPU or GPU) is chosen once at load.
"""
import logging
import os
import sys

import numpy as np

log = logging.getLogger(__name__)


def gpu_visible(settings):
    """True when the GPU device resource is mounted into this Lambda."""
    return os.path.exists(settings.gpu_device_file)


def limit_cpu_threads(settings):
    """CPU_THREADS=N caps the runtime's compute threads; it must act before mxnet/dlr load.

    On a small shared CPU one thread per forward is often as fast as several at
    batch size 1, and leaves a core for decoding and publishing.
    """
    if not settings.cpu_threads:
        return
    for name in ("mxnet", "dlr"):
        if name in sys.modules:
            log.warning("CPU_THREADS=%s set after %s was imported: may not apply", settings.cpu_threads, name)
    for var in ("OMP_NUM_THREADS", "TVM_NUM_THREADS"):
        os.environ[var] = str(settings.cpu_threads)


def choose_mxnet_context(settings, mx):
    """(context, reason). GPU needs DEVICE != cpu, the device file, and a CUDA build of mxnet."""
    if settings.device == "cpu":
        return mx.cpu(), "DEVICE=cpu"
    has_device = gpu_visible(settings)
    try:
        num_gpus = mx.context.num_gpus()
    except Exception:  # CPU-only builds raise instead of returning 0 on some versions
        num_gpus = 0
    if has_device and num_gpus > 0:
        return mx.gpu(0), "{} present and mxnet sees {} GPU(s)".format(settings.gpu_device_file, num_gpus)
    reason = "{} {}; mxnet sees {} GPU(s)".format(
        settings.gpu_device_file, "present" if has_device else "absent", num_gpus)
    if settings.device == "gpu":
        log.warning("DEVICE=gpu requested but unavailable (%s); using CPU", reason)
    return mx.cpu(), reason


class MXNetBackend(object):
    name = "mxnet"

    def __init__(self, info, settings):
        limit_cpu_threads(settings)
        import mxnet as mx
        self.mx = mx
        self.context, self.device_reason = choose_mxnet_context(settings, mx)
        self.device = "gpu" if self.context.device_type == "gpu" else "cpu"
        prefix = os.path.join(info.folder, info.prefix)
        sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, info.epoch)
        if info.input_shape is None:
            raise ValueError("input shape unknown for {}: set INPUT_SHAPE (e.g. 3,224,224) "
                             "or add model-shapes.json".format(prefix))
        self.input_shape = (1,) + tuple(info.input_shape)
        shapes = {info.input_name: self.input_shape}
        # SageMaker's classifier ends in SoftmaxOutput, whose softmax_label input
        # must be bound (to zeros) even though inference never reads it.
        for name in sym.list_arguments():
            if name.endswith("_label"):
                shapes[name] = (1,)
        self.executor = sym.simple_bind(ctx=self.context, grad_req="null", **shapes)
        self.executor.copy_params_from(arg_params, aux_params, allow_extra_params=True)
        self.input = self.executor.arg_dict[info.input_name]
        self.output_shapes = [tuple(o.shape) for o in self.executor.outputs]
        self._direct = self._direct_calls()

    def _direct_calls(self):
        """Handles for forward(): one C call each to copy in, run, and copy every output out.

        The NDArray front end (`input[:] = batch`, `executor.forward()`,
        `asnumpy()`) makes a dozen C calls per pass (shape and dtype queries, new
        output handles, frees), and each one gives up the GIL and must win it
        back; with the pipeline's other threads running Python that costs up to a
        switch interval per call. The arrays bound by simple_bind keep their
        storage, so their handles stay valid for the executor's life.
        """
        try:
            import ctypes
            from mxnet.base import _LIB, check_call
            outputs = list(self.executor.outputs)
            if self.input.dtype != np.float32 or any(o.dtype != np.float32 for o in outputs):
                return None
            # Copying the batch in and queueing the pass take microseconds (MXNet's threaded
            # engine runs the pass on its own threads): call them without releasing the
            # GIL, so only the wait for the outputs gives it up. NaiveEngine runs the
            # pass inside MXExecutorForward, which must then release the GIL as usual.
            quick = _LIB
            if "naive" not in os.environ.get("MXNET_ENGINE_TYPE", "").lower():
                quick = ctypes.PyDLL(_LIB._name, handle=_LIB._handle)
            return {"ctypes": ctypes, "lib": _LIB, "quick": quick, "check": check_call, "exec": self.executor.handle,
                    "input": self.input.handle, "shape": tuple(self.input.shape),
                    "outputs": [(o.handle, tuple(o.shape)) for o in outputs], "keep": outputs}
        except Exception as err:  # another mxnet build: use the NDArray front end
            log.info("mxnet direct forward unavailable (%s); using the NDArray API", err)
            return None

    def forward(self, batch):
        d = self._direct
        if d is None or batch.dtype != np.float32 or batch.shape != d["shape"] or not batch.flags.c_contiguous:
            self.input[:] = batch
            self.executor.forward(is_train=False)
            return [out.asnumpy() for out in self.executor.outputs]
        ctypes, lib, quick, check = d["ctypes"], d["lib"], d["quick"], d["check"]
        check(quick.MXNDArraySyncCopyFromCPU(d["input"], batch.ctypes.data_as(ctypes.c_void_p),
                                             ctypes.c_size_t(batch.size)))
        check(quick.MXExecutorForward(d["exec"], ctypes.c_int(0)))
        results = []
        for handle, shape in d["outputs"]:
            out = np.empty(shape, dtype=np.float32)
            check(lib.MXNDArraySyncCopyToCPU(handle, out.ctypes.data_as(ctypes.c_void_p),
                                             ctypes.c_size_t(out.size)))
            results.append(out)
        return results


class DLRBackend(object):
    name = "dlr"

    def __init__(self, info, settings):
        limit_cpu_threads(settings)
        import dlr
        self.device = "cpu"
        self.device_reason = "DEVICE=cpu" if settings.device == "cpu" else "GPU unavailable"
        model = None
        if settings.device != "cpu" and gpu_visible(settings):
            try:
                model = dlr.DLRModel(info.folder, "gpu", 0)
                self.device = "gpu"
                self.device_reason = "{} present and DLR loaded the model on gpu".format(settings.gpu_device_file)
            except Exception as err:  # a CPU-only libdlr or model refuses 'gpu'
                self.device_reason = "DLR could not use gpu: {}".format(err)
                log.warning("DLR gpu load failed, using cpu: %s", err)
        if model is None:
            model = dlr.DLRModel(info.folder, "cpu", 0)
        self.model = model
        self.input_name = model.get_input_names()[0]
        self.input_shape = (1,) + tuple(info.input_shape) if info.input_shape else None
        self.output_shapes = None
        # Treelite models take a 2-D (rows, features) matrix: the image is flattened.
        self.flatten = getattr(getattr(model, "_impl", None), "backend", "") == "treelite"

    def forward(self, batch):
        if self.flatten:
            batch = batch.reshape(batch.shape[0], -1)
        return [np.asarray(o) for o in self.model.run({self.input_name: batch})]


def load_backend(info, settings):
    if info.backend == "mxnet":
        return MXNetBackend(info, settings)
    if info.backend == "dlr":
        return DLRBackend(info, settings)
    raise ValueError("unknown backend {}".format(info.backend))
