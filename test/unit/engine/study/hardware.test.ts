import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amdGpus, gpuInventory, meterGpus, nvidiaGpus } from '../../../../src-main/engine/study/hardware';
import { hardwareInventory } from '../../../../src-main/engine/study/study';
import { tmpDir } from '../../../helpers/tmp';

/** A stand-in for nvidia-smi answering the inventory query the way the real one does. */
function fakeNvidiaSmi(dir: string, lines: string[]): string {
  const path = join(dir, 'nvidia-smi');
  writeFileSync(path, `#!/bin/sh\ncase "$*" in *--query-gpu=index,name,driver_version,memory.total*) printf '${lines.join('\\n')}\\n';; *) exit 9;; esac\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('GPU inventory', () => {
  it('lists NVIDIA GPUs with model, memory and driver from nvidia-smi', () => {
    // each line as nvidia-smi 580.159.04 prints it for this query on an H200
    const smi = fakeNvidiaSmi(tmpDir(), ['0, NVIDIA H200, 580.159.04, 143771', '1, NVIDIA H200, 580.159.04, 143771']);
    expect(nvidiaGpus(smi)).toEqual([
      { index: '0', model: 'NVIDIA H200', driver: '580.159.04', memoryMiB: 143771 },
      { index: '1', model: 'NVIDIA H200', driver: '580.159.04', memoryMiB: 143771 },
    ]);
    const inv = gpuInventory([], { ECOPT_NVIDIA_SMI: smi, ECOPT_DRM_ROOT: join(tmpDir(), 'none') });
    expect(inv).toMatchObject({ gpu_count: '2', gpu_model: '2 x NVIDIA H200', gpu_source: 'nvidia-smi', gpu_0_model: 'NVIDIA H200', gpu_1_memory_mib: '143771', driver_nvidia: '580.159.04' });
  });

  it('lists AMD GPUs from sysfs', () => {
    const drm = join(tmpDir(), 'drm');
    const dev = join(drm, 'card0', 'device');
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, 'vendor'), '0x1002\n');
    writeFileSync(join(dev, 'device'), '0x740f\n');
    writeFileSync(join(dev, 'product_name'), 'AMD Instinct MI210\n');
    writeFileSync(join(dev, 'mem_info_vram_total'), String(64 * 2 ** 30));
    mkdirSync(join(drm, 'drivers', 'amdgpu'), { recursive: true });
    symlinkSync(join(drm, 'drivers', 'amdgpu'), join(dev, 'driver'));
    // an Intel card beside it is not listed
    mkdirSync(join(drm, 'card1', 'device'), { recursive: true });
    writeFileSync(join(drm, 'card1', 'device', 'vendor'), '0x8086\n');
    expect(amdGpus(drm)).toEqual([{ index: 'amd0', model: 'AMD Instinct MI210', driver: null, memoryMiB: 65536 }]);
  });

  it('falls back on the GPU names the meters found, and says none when there are none', () => {
    const meters = [{ id: 'nvml', domains: ['gpu:0'], status: 'ok', detail: 'measured: NVML (libnvidia-ml.so.1) GPU 0 Tesla V100-SXM2-16GB: total-energy counter' }];
    expect(meterGpus(meters)).toEqual([{ index: '0', model: 'Tesla V100-SXM2-16GB', driver: null, memoryMiB: null }]);
    const env = { ECOPT_NVIDIA_SMI: join(tmpDir(), 'missing-nvidia-smi'), ECOPT_DRM_ROOT: join(tmpDir(), 'none') };
    expect(gpuInventory(meters, env)).toMatchObject({ gpu_count: '1', gpu_model: '1 x Tesla V100-SXM2-16GB', gpu_source: 'the energy meters' });
    expect(gpuInventory([], env)).toEqual({ gpu_count: '0' });
  });

  it('is part of the study inventory beside CPU, memory and OS', () => {
    const inv = hardwareInventory();
    expect(Object.keys(inv)).toEqual(expect.arrayContaining(['cpu_model', 'cpu_logical_cores', 'memory_gib', 'os', 'gpu_count']));
  });
});
