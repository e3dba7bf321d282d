#!/bin/bash
# The device check, run in the checkout's root on the GPU machine with OUT set (see README.md).
D=$PWD/.devchk; L=$OUT/log.txt
say() { echo "=== $(date +%T) $*" >> $L; }
say start; nproc >> $L; uname -a >> $L
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$D/node.xz'), open('/tmp/node','wb'))" && chmod +x /tmp/node
/tmp/node -v >> $L 2>&1
# the bundle names its sources by this checkout's path here
mkdir -p /work 2>>$L; [ -e /work/main ] || ln -sfn "$PWD" /work/main
say nvidia-smi; nvidia-smi >> $L 2>&1
nvidia-smi --query-gpu=timestamp,power.draw,power.draw.instant,clocks.sm,utilization.gpu --format=csv -lms 200 > $OUT/smi-power.csv 2>&1 &
SMI=$!
export XDG_DATA_HOME=/tmp/xdg HOME=/tmp/home XCHECK=$OUT/xcheck.jsonl; mkdir -p $HOME
E="/tmp/node $D/ecopt.cjs"
say meters; timeout 60 $E meters >> $L 2>&1; echo "rc $?" >> $L
say smi-fallback; ECOPT_NVML_LIBRARY=/nonexistent/libnvidia-ml.so timeout 60 $E meters >> $L 2>&1; echo "rc $?" >> $L
# PIDNS=1: the study runs in a pid namespace of its own with its own /proc, as in a container
NS=""; [ -n "$PIDNS" ] && NS="unshare --pid --fork --mount-proc"
say tune $NS; (cd $D/study && timeout 330 $NS $E tune study.json --db $OUT/gpu.db --wide >> $L 2>&1; echo "rc $?" >> $L)
say export; timeout 60 $E export gpu-mlp --db $OUT/gpu.db --out /tmp/exp >> $L 2>&1; echo "rc $?" >> $L; ls -la /tmp/exp >> $L 2>&1
kill $SMI 2>/dev/null
say end
