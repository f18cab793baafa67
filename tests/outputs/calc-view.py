"""
Opens workbooks in LibreOffice Calc (headless, through its UNO bridge) and prints, per sheet, what a
user sees that a file conversion does not keep: the rows frozen at the top and the filter buttons.
Usage: /usr/bin/python3 calc-view.py PROFILE_DIR FILE...   (prints one JSON object)
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

profile, files = sys.argv[1], sys.argv[2:]
pipe = "calcview%d" % os.getpid()
office = subprocess.Popen(
    ["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--norestore", "--nologo",
     "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    for _ in range(240):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.25)
    if ctx is None:
        raise SystemExit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    hidden = PropertyValue()
    hidden.Name, hidden.Value = "Hidden", True
    result = {}
    for path in files:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (hidden,))
        controller = doc.getCurrentController()
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        sheets = {}
        for i in range(doc.Sheets.getCount()):
            sheet = doc.Sheets.getByIndex(i)
            controller.setActiveSheet(sheet)
            info = {"frozenRows": controller.getSplitRow() if controller.hasFrozenPanes() else 0, "filter": None}
            if unnamed.hasByTable(i):
                r = unnamed.getByTable(i)
                if r.getPropertyValue("AutoFilter"):
                    a = r.getDataArea()
                    info["filter"] = [a.StartRow + 1, a.EndRow + 1, a.StartColumn + 1, a.EndColumn + 1]
            sheets[sheet.getName()] = info
        result[os.path.basename(path)] = sheets
        doc.close(True)
    print(json.dumps(result))
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=30)
    except Exception:
        office.kill()
