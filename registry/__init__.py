"""主体管理 (用户库基本信息, 隶属关系). DESIGN.md puts these in orgs; they are a domain app on purpose: they run on
workflow and ask access, which sit above orgs."""
