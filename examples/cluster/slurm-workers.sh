#!/bin/bash
# One ECOpt study, many Slurm nodes: each array task is one `ecopt worker` on one node, all
# sharing the study in PostgreSQL. The first worker to start creates the study from the study
# file; the others join it; each exits 0 once the trial budget is met.
#
#   export ECOPT_STORAGE='postgresql://ecopt@db.example.org/studies'   # password in ~/.pgpass
#   sbatch --export=ALL examples/cluster/slurm-workers.sh study.json
#
#SBATCH --job-name=ecopt-workers
#SBATCH --array=0-7                 # eight workers; add more at any time with another sbatch
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive                 # a trial's energy is measured on the whole node: keep it to itself
#SBATCH --gres=gpu:1                # drop on CPU-only partitions
#SBATCH --time=04:00:00
#SBATCH --output=ecopt-worker-%A_%a.log

set -euo pipefail
STUDY="${1:?give the study file (JSON) or the name of a study already in the database}"
: "${ECOPT_STORAGE:?export ECOPT_STORAGE=postgresql://user@host/database before sbatch}"

# Kept models stay on the node's scratch space; copy the ones you want afterwards.
MODELS="${SLURM_TMPDIR:-${TMPDIR:-/tmp}}/ecopt-models"

# One GPU per task: the trial inherits the CUDA_VISIBLE_DEVICES Slurm set for the GPU it granted.
# A whole node with several GPUs instead (--gres=gpu:4): add `--gpus all` below, one trial per GPU.

# SIGTERM at the time limit: the running trial is marked interrupted and another worker re-runs it.
exec npx ecopt worker "$STUDY" --storage "$ECOPT_STORAGE" --models-dir "$MODELS"
