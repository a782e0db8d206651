int cs_system_anchor = 0;
