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
