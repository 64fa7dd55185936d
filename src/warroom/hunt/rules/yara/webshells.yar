/*
   warroom's own webshell rules, written for the SharePoint "ToolShell" chain (July 2025) and
   the generic ASPX/JScript/PHP webshells that follow such intrusions: the MachineKey dumper
   (spinstall0.aspx), command-execution pages, China Chopper one-liners and the compiled pages
   ASP.NET leaves in its temporary files.
   Licence: Apache-2.0, as warroom.
*/

rule ASPX_MachineKey_Dumper
{
    meta:
        description = "ASPX page that reads the ASP.NET MachineKey (ValidationKey and DecryptionKey) and writes it out, as spinstall0.aspx does"
        author = "warroom"
        level = "critical"
        tags = "attack.credential-access, attack.t1552.001, attack.persistence, attack.t1505.003"
        reference = "CVE-2025-53770; spinstall0.aspx"
    strings:
        $page1 = "<%@" ascii
        $page2 = "runat=\"server\"" ascii nocase
        $page3 = "<script" ascii nocase
        $section1 = "MachineKeySection" ascii
        $section2 = "System.Web.Configuration" ascii
        $section3 = "GetApplicationConfig" ascii
        $key1 = "ValidationKey" ascii
        $key2 = "DecryptionKey" ascii
        $out = "Response.Write" ascii nocase
    condition:
        filesize < 500KB and any of ($page*) and any of ($section*) and all of ($key*) and $out
}

rule ASPX_Command_Exec_Webshell
{
    meta:
        description = "ASPX page that starts cmd.exe or PowerShell with input taken from the HTTP request"
        author = "warroom"
        level = "high"
        tags = "attack.persistence, attack.t1505.003, attack.execution, attack.t1059.003"
    strings:
        $page1 = "<%@" ascii
        $page2 = "runat=\"server\"" ascii nocase
        $start1 = "Process.Start" ascii nocase
        $start2 = "ProcessStartInfo" ascii nocase
        $shell1 = "cmd.exe" ascii nocase
        $shell2 = "powershell" ascii nocase
        $shell3 = "\"cmd\"" ascii nocase
        $input1 = "Request.Form" ascii nocase
        $input2 = "Request.QueryString" ascii nocase
        $input3 = "Request.Params" ascii nocase
        $input4 = "Request.Item" ascii nocase
        $input5 = /Request\s*\[/ ascii nocase
    condition:
        filesize < 500KB and any of ($page*) and any of ($start*) and any of ($shell*)
        and any of ($input*)
}

rule China_Chopper_Eval
{
    meta:
        description = "China Chopper-style one-line webshell that evaluates code sent in the request (ASPX JScript or PHP)"
        author = "warroom"
        level = "high"
        tags = "attack.persistence, attack.t1505.003"
    strings:
        $aspx = /eval\s*\(\s*Request(\.Item)?\s*[\[\(]/ ascii nocase
        $php = /eval\s*\(\s*\$_(POST|GET|REQUEST)\s*\[/ ascii nocase
    condition:
        filesize < 100KB and any of them
}

rule ToolShell_Compiled_Spinstall_Page
{
    meta:
        description = "Compiled ASP.NET page (App_Web_*.dll) of a webshell dropped under /_layouts/15 or /_layouts/16"
        author = "warroom"
        level = "high"
        tags = "attack.persistence, attack.t1505.003"
    strings:
        $path1 = "/_layouts/15/spinstall" wide nocase
        $path2 = "/_layouts/16/spinstall" wide nocase
        $path3 = "/_layouts/15/ghostfile" wide nocase
        $path4 = "/_layouts/16/ghostfile" wide nocase
    condition:
        uint16(0) == 0x5A4D and filesize < 2MB and any of them
}
