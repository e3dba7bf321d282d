/** The fixes a user is told when a counter exists but cannot be read. */
export function raplPermissionFix(path: string): string {
  return (
    `${path} is readable only by root (the default since CVE-2020-8694). Fix one of: ` +
    `(1) a udev rule, e.g. /etc/udev/rules.d/99-ecopt-rapl.rules containing ` +
    `ACTION=="add", SUBSYSTEM=="powercap", RUN+="/bin/chmod a+r %S%p/energy_uj" ` +
    `(or chgrp a group you belong to instead of a+r), then reboot or \`sudo udevadm trigger\`; ` +
    `(2) once until the next reboot: \`sudo chmod a+r /sys/class/powercap/*/energy_uj /sys/class/powercap/*/*/energy_uj\`; ` +
    `(3) run ECOpt as root`
  );
}

/**
 * Why a counter that was readable at detection no longer is, and what to do: said once per
 * window beside the figure it spoils.
 */
export function unreadableMessage(path: string, e: unknown, permissionFix: (path: string) => string = genericPermissionFix): string {
  const err = e as NodeJS.ErrnoException;
  const base = `cannot read ${path}: ${err?.message ?? String(e)}`;
  switch (err?.code) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return `${base} (the file is gone: the device was reset or removed, or its driver reloaded; if it does not come back, restart the study after the device is back)`;
    case 'EACCES':
    case 'EPERM':
      return `${base} (${permissionFix(path)})`;
    default:
      return base;
  }
}

function genericPermissionFix(path: string): string {
  return `permission denied: give your user read access to ${path}, e.g. with a udev rule, or run ECOpt as root`;
}
